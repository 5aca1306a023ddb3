import * as assert from 'assert';
import { outlineToMarkdown } from '../../src/vendors/kdocs/outline-markdown';

const t = (text: string, ...marks: Array<string | { type: string; attrs?: object }>) => ({ type: 'text', text, ...(marks.length ? { marks: marks.map((m) => (typeof m === 'string' ? { type: m } : m)) } : {}) });
const p = (...content: object[]) => ({ type: 'paragraph', content });
const h = (level: number, text: string) => ({ type: 'heading', attrs: { level }, content: [t(text)] });
const li = (...content: object[]) => ({ type: 'list_item', content });

describe('outline export -> Markdown', () => {
  it('a realistic document: title, headings, marks, nested lists, a table, an image, code and a quote', () => {
    const doc = {
      type: 'doc',
      content: [
        { type: 'title', content: [t('周报 Weekly')] },
        h(2, '进展'),
        p(t('完成 '), t('接口联调', 'strong'), t('，见 '), t('文档', { type: 'link', attrs: { href: 'https://kdocs.cn/l/abc' } }), t('；命令 '), t('npm test', 'code'), t('；'), t('可选', 'em'), t('。')),
        {
          type: 'bullet_list',
          content: [
            li(p(t('前端')), { type: 'bullet_list', content: [li(p(t('树视图'))), li(p(t('转换')))] }),
            li(p(t('后端'))),
          ],
        },
        { type: 'ordered_list', attrs: { order: 1 }, content: [li(p(t('第一步'))), li(p(t('第二步')), { type: 'ordered_list', content: [li(p(t('子步骤')))] })] },
        {
          type: 'table',
          content: [
            { type: 'table_row', content: [{ type: 'table_header', content: [p(t('名称'))] }, { type: 'table_header', content: [p(t('状态'))] }] },
            { type: 'table_row', content: [{ type: 'table_cell', content: [p(t('A|B'))] }, { type: 'table_cell', content: [p(t('完成', 'strong'))] }] },
          ],
        },
        { type: 'image', attrs: { src: 'https://img.example/p.png', alt: '截图' } },
        { type: 'code_block', attrs: { language: 'js' }, content: [t('console.log(1)\nconsole.log(2)')] },
        { type: 'blockquote', content: [p(t('引用'))] },
        { type: 'horizontal_rule' },
      ],
    };
    assert.strictEqual(outlineToMarkdown(doc), [
      '# 周报 Weekly',
      '',
      '## 进展',
      '',
      '完成 **接口联调**，见 [文档](https://kdocs.cn/l/abc)；命令 `npm test`；*可选*。',
      '',
      '- 前端',
      '  - 树视图',
      '  - 转换',
      '- 后端',
      '',
      '1. 第一步',
      '2. 第二步',
      '   1. 子步骤',
      '',
      '| 名称 | 状态 |',
      '| --- | --- |',
      '| A\\|B | **完成** |',
      '',
      '![截图](https://img.example/p.png)',
      '',
      '```js',
      'console.log(1)',
      'console.log(2)',
      '```',
      '',
      '> 引用',
      '',
      '---',
      '',
    ].join('\n'));
  });

  it('a block list with inline runs apart from child blocks (runs / items / children / rows.cells.blocks / todo)', () => {
    const r = (text: string, extra: object = {}) => ({ text, ...extra });
    const data = {
      file_token: 'f1', title: '计划 Plan', version: 3,
      blocks: [
        { id: 'a', type: 'heading', level: 1, runs: [r('计划 Plan')] },
        { id: 'b', type: 'paragraph', runs: [r('见 '), r('路线图', { link: 'https://example.com/r', marks: ['underline'] }), r(' 与 '), r('重点', { marks: ['bold', 'italic'] })] },
        {
          id: 'c', type: 'list', ordered: true, items: [
            { id: 'c1', runs: [r('一')] },
            { id: 'c2', runs: [r('二')], children: [{ id: 'c3', type: 'list', ordered: false, items: [{ id: 'c4', runs: [r('甲', { marks: ['code'] })] }] }] },
          ],
        },
        { id: 'd', type: 'todo', checked: true, runs: [r('完成')] },
        { id: 'e', type: 'todo', checked: false, runs: [r('待办')] },
        { id: 'f', type: 'table', rows: [{ cells: [{ blocks: [{ type: 'paragraph', runs: [r('列1')] }] }, { blocks: [{ type: 'paragraph', runs: [r('列2')] }] }] }, { cells: [{ blocks: [{ type: 'paragraph', runs: [r('x')] }] }, { blocks: [] }] }] },
        { id: 'g', type: 'code', language: 'javascript', text: 'Application.Range("A1").Value = 1' },
        { id: 'h', type: 'image', alt: '图', url: 'https://img.example/a.png' },
        { id: 'i', type: 'quote', runs: [r('引言')] },
      ],
    };
    assert.strictEqual(outlineToMarkdown(data), [
      '# 计划 Plan',
      '',
      '见 [路线图](https://example.com/r) 与 ***重点***',
      '',
      '1. 一',
      '2. 二',
      '   - `甲`',
      '',
      '- [x] 完成',
      '- [ ] 待办',
      '',
      '| 列1 | 列2 |',
      '| --- | --- |',
      '| x |  |',
      '',
      '```javascript',
      'Application.Range("A1").Value = 1',
      '```',
      '',
      '![图](https://img.example/a.png)',
      '',
      '> 引言',
      '',
    ].join('\n'));
  });

  it('takes the envelope variants: data.doc, a JSON string, camelCase types, children instead of content', () => {
    const camel = { type: 'doc', children: [{ type: 'heading', level: 3, children: [{ text: 'Hi' }] }, { type: 'bulletList', children: [{ type: 'listItem', children: [{ type: 'paragraph', children: [{ text: 'x', bold: true }] }] }] }] };
    assert.strictEqual(outlineToMarkdown({ doc: camel }), '### Hi\n\n- **x**\n');
    assert.strictEqual(outlineToMarkdown(JSON.stringify({ content: [p(t('a'))] })), 'a\n');
    assert.strictEqual(outlineToMarkdown({ title: '标题', content: [p(t('正文'))] }), '# 标题\n\n正文\n');
  });

  it('marks: adjacent runs of one style merge; spaces stay outside the markers; Markdown characters are escaped', () => {
    assert.strictEqual(outlineToMarkdown([p(t('a ', 'strong'), t('b', 'strong'), t(' c'))]), '**a b** c\n');
    assert.strictEqual(outlineToMarkdown([p(t('bold ', 'strong', 'em'), t('1*2_3 [x]'))]), '***bold*** 1\\*2\\_3 \\[x\\]\n');
    assert.strictEqual(outlineToMarkdown([p(t('gone', 'strike'), { type: 'hard_break' }, t('next'))]), '~~gone~~  \nnext\n');
    assert.strictEqual(outlineToMarkdown([p(t('a`b', 'code'))]), '`` a`b ``\n');
  });

  it('task lists and "flat" list paragraphs (a list type and level on the paragraph)', () => {
    const task = { type: 'task_list', content: [{ type: 'task_item', attrs: { checked: true }, content: [p(t('done'))] }, { type: 'task_item', attrs: { checked: false }, content: [p(t('todo'))] }] };
    assert.strictEqual(outlineToMarkdown([task]), '- [x] done\n- [ ] todo\n');
    const flat = [
      { type: 'paragraph', attrs: { listType: 'ordered', level: 0 }, content: [t('one')] },
      { type: 'paragraph', attrs: { listType: 'bullet', level: 1 }, content: [t('sub')] },
      { type: 'paragraph', attrs: { listType: 'ordered', level: 0 }, content: [t('two')] },
      p(t('after')),
    ];
    assert.strictEqual(outlineToMarkdown(flat), '1. one\n   - sub\n2. two\n\nafter\n');
  });

  it('unknown block types render their text; unknown inline nodes their text; mentions as @name', () => {
    const doc = [
      { type: 'fancy_callout_v2', content: [p(t('inside'))] },
      { type: 'mystery', text: 'just text' },
      p({ type: 'mention', attrs: { name: '张三' } }, t(' 请看'), { type: 'sparkle', content: [t('!')] }),
      { type: 'paragraph', paragraph: { elements: [{ type: 'textRun', textRun: { text: 'payload' } }] } },
    ];
    assert.strictEqual(outlineToMarkdown(doc), 'inside\n\njust text\n\n@张三 请看!\n\npayload\n');
  });

  it('never throws: empty, null, numbers, cycles and hostile getters give text or nothing', () => {
    assert.strictEqual(outlineToMarkdown(null), '');
    assert.strictEqual(outlineToMarkdown({}), '');
    assert.strictEqual(outlineToMarkdown(42), '');
    assert.strictEqual(outlineToMarkdown('not json'), 'not json\n');
    const cyclic: Record<string, unknown> = { type: 'doc', content: [] };
    (cyclic.content as unknown[]).push({ type: 'paragraph', content: [{ type: 'text', text: 'loop' }], self: cyclic });
    assert.strictEqual(outlineToMarkdown(cyclic), 'loop\n');
    const deep: Record<string, unknown> = { type: 'paragraph', text: 'x' };
    let cur = deep;
    for (let i = 0; i < 5000; i++) {
      const next = { type: 'wrapper', content: [] as unknown[] };
      (cur as { content?: unknown[] }).content = [next];
      cur = next;
    }
    assert.doesNotThrow(() => outlineToMarkdown([deep]));
    const hostile = { type: 'doc', get content(): unknown[] { throw new Error('boom'); } };
    assert.doesNotThrow(() => outlineToMarkdown(hostile));
    assert.doesNotThrow(() => outlineToMarkdown([{ type: 'table', content: [] }, { type: 'image' }, { type: 'heading', attrs: { level: 99 } }]));
    assert.strictEqual(outlineToMarkdown([{ type: 'image' }, { type: 'heading', attrs: { level: 99 }, content: [t('x')] }]), '[image]\n\n###### x\n');
  });
});
