import { bufferBlob, readAll } from '../common/blob';
import { solidPng } from '../common/png';
import { keepResult, type Deps } from './deps';
import { kerr } from './errors';
import type { RouteDef } from './router';

/**
 * "导出结构化数据" (POST /outline/:file_token/export/full_json?access_token=, any scope): the structure of an online
 * document (.otl) of the personal space. The page documents no response shape; the sandbox answers
 *
 *   {file_token, title, version, blocks: [Block]}
 *
 * Block, every one with a stable `id` ("b1", "b2"... in document order unless the content names its own):
 *   {type: "heading", level: 1..6, runs}            {type: "paragraph", runs}        {type: "quote", runs}
 *   {type: "todo", checked: boolean, runs}          {type: "code", language, text}   {type: "divider"}
 *   {type: "list", ordered: boolean, items: [{id, runs, children?: [Block]}]}   (children hold nested lists)
 *   {type: "table", rows: [{cells: [{blocks: [Block]}]}]}
 *   {type: "image", url, mime_type, size, width, height, alt}   (url: a temporary download URL of the sandbox)
 * Run: {text, marks?: ["bold" | "italic" | "underline" | "strikethrough" | "code"], link?}
 *
 * The .otl file's content in the sandbox is that same JSON ({title?, blocks}), except that an image holds its bytes as
 * `src: "data:image/png;base64,..."` instead of `url`. Empty content or `{}` is an empty document (title = file name);
 * content that is not JSON is exported as one paragraph per line. Other file types: 400.
 */

type Json = Record<string, unknown>;

function paragraphsOf(text: string): Json[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => ({ type: 'paragraph', runs: [{ text: l }] }));
}

export function outlineRoutes(d: Deps): RouteDef[] {
  return [{
    method: 'POST',
    path: '/outline/:file_token/export/full_json',
    auth: 'token',
    handle: (c) => {
      const e = d.personal.live(c.params.file_token);
      if (e.dir || !/\.otl$/i.test(e.name)) throw kerr.param('not an online document (.otl)');
      const v = d.personal.current(e);
      const raw = readAll(d.personal.blobOf(v)).toString('utf8');
      let doc: Json = {};
      if (raw.trim() !== '') {
        try {
          const parsed: unknown = JSON.parse(raw);
          doc = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : { blocks: paragraphsOf(raw) };
        } catch {
          doc = { blocks: paragraphsOf(raw) };
        }
      }
      let n = 0;
      const ids = new Set<string>();
      const idOf = (x: Json) => {
        let id = typeof x.id === 'string' && x.id !== '' && !ids.has(x.id) ? x.id : '';
        while (!id || ids.has(id)) id = `b${++n}`;
        ids.add(id);
        return id;
      };
      const block = (b: unknown): Json | undefined => {
        if (!b || typeof b !== 'object') return undefined;
        const x = b as Json;
        const id = idOf(x);
        const out: Json = { id, ...x };
        out.id = id;
        if (x.type === 'list') {
          out.items = (Array.isArray(x.items) ? x.items : []).map((it: unknown) => {
            const item = (it && typeof it === 'object' ? it : {}) as Json;
            const o: Json = { id: idOf(item), runs: Array.isArray(item.runs) ? item.runs : [] };
            if (Array.isArray(item.children)) o.children = item.children.map(block).filter(Boolean);
            return o;
          });
        } else if (x.type === 'table') {
          out.rows = (Array.isArray(x.rows) ? x.rows : []).map((r: unknown) => ({
            cells: (Array.isArray((r as Json)?.cells) ? ((r as Json).cells as unknown[]) : []).map((cell) => ({
              blocks: (Array.isArray((cell as Json)?.blocks) ? ((cell as Json).blocks as unknown[]) : []).map(block).filter(Boolean),
            })),
          }));
        } else if (x.type === 'image') {
          const m = typeof x.src === 'string' ? /^data:([^;,]+);base64,(.*)$/s.exec(x.src) : null;
          delete out.src;
          if (m) {
            const blob = bufferBlob(Buffer.from(m[2], 'base64'));
            keepResult(d, blob);
            out.url = d.urls.download({ filehash: blob.sha1, filename: `${out.id}.${m[1].split('/')[1] ?? 'bin'}`, open: true });
            out.mime_type = m[1];
            out.size = blob.size;
          }
        }
        return out;
      };
      const blocks = (Array.isArray(doc.blocks) ? doc.blocks : []).map(block).filter(Boolean);
      return { file_token: e.token, title: typeof doc.title === 'string' ? doc.title : e.name.replace(/\.otl$/i, ''), version: v.version, blocks };
    },
  }];
}

/** The seed's .otl document: headings, marks, a link, nested lists, a todo, a quote, code, a table and an image. */
export function seedOutline(): Buffer {
  const image = `data:image/png;base64,${solidPng(64, 36, [0x2b, 0x7d, 0xe9]).toString('base64')}`;
  const p = (...runs: Json[]) => ({ type: 'paragraph', runs });
  const cell = (text: string, marks?: string[]) => ({ blocks: [p(marks ? { text, marks } : { text })] });
  const doc = {
    title: '项目计划 Project plan',
    blocks: [
      { type: 'heading', level: 1, runs: [{ text: '项目计划 Project plan' }] },
      p({ text: '本文档描述 ' }, { text: 'Doc Workspaces', marks: ['bold'] }, { text: ' 的发布计划, see the ' }, { text: 'roadmap', link: 'https://example.com/roadmap', marks: ['underline'] }, { text: '.' }),
      { type: 'heading', level: 2, runs: [{ text: '里程碑 Milestones' }] },
      {
        type: 'list', ordered: true, items: [
          { runs: [{ text: '需求评审 Requirements review' }] },
          {
            runs: [{ text: '开发 Development' }],
            children: [{
              type: 'list', ordered: false, items: [
                { runs: [{ text: '沙箱 Sandbox' }] },
                { runs: [{ text: '客户端 Client', marks: ['italic'] }], children: [{ type: 'list', ordered: false, items: [{ runs: [{ text: '签名 WPS-2 signing', marks: ['code'] }] }] }] },
              ],
            }],
          },
          { runs: [{ text: '发布 Release' }] },
        ],
      },
      { type: 'todo', checked: true, runs: [{ text: '完成转换接口 Conversion API done' }] },
      { type: 'todo', checked: false, runs: [{ text: '补充文档 Write the docs' }] },
      { type: 'quote', runs: [{ text: '先做对, 再做快。 Make it right, then make it fast.' }] },
      { type: 'heading', level: 2, runs: [{ text: '分工 Owners' }] },
      {
        type: 'table', rows: [
          { cells: [cell('模块 Module', ['bold']), cell('负责人 Owner', ['bold']), cell('状态 Status', ['bold'])] },
          { cells: [cell('转换 Convert'), cell('张三'), cell('进行中 In progress')] },
          { cells: [cell('脚本 AirScript'), cell('李四'), cell('已完成 Done')] },
        ],
      },
      { type: 'code', language: 'javascript', text: 'Application.Range("A1").Value = "hello"' },
      { type: 'divider' },
      { type: 'image', src: image, width: 64, height: 36, alt: '架构图 Architecture' },
      p({ text: '最后更新 Last updated: 2025-01-15', marks: ['italic'] }),
    ],
  };
  return Buffer.from(JSON.stringify(doc, null, 1), 'utf8');
}
