import { bufferBlob, generatedBlob } from '../common/blob';
import type { Library } from './store';
import { minimalDocx } from '../common/ooxml';

/**
 * Deterministic demo content: Chinese, emoji, space, '#' and '%' names, a real .docx, a 20 MB generated binary,
 * a folder with 160 files (paging), tags, a file with three versions, one recycle-bin item and one locked file.
 * Timestamps are relative to start-up (in the past) so `updates` sees a plausible history.
 */

export const SEED_PATHS = {
  readme: 'README.md',
  roadmap: '项目资料/2024 计划/路线图.md',
  docx: '项目资料/会议纪要.docx',
  csv: '数据/销售 2024.csv',
  settings: '配置/settings.json',
  emoji: '📁 Emoji 文件夹/笑脸 😀.txt',
  special: 'name with #hash and %percent.txt',
  big: '大文件/sample-20MB.bin',
  batchFolder: '批量',
  locked: '合同/已锁定合同.txt',
  recycled: '旧草稿.txt',
} as const;

export const BATCH_COUNT = 160;
export const BIG_FILE_SIZE = 20 * 1024 * 1024;

const ZHANG = '张三 Zhang San';
const LI = '李四 Li Si';
const WANG = '王五 Wang Wu';

function text(s: string): ReturnType<typeof bufferBlob> {
  return bufferBlob(Buffer.from(s, 'utf8'));
}

export function seedDemo(lib: Library): void {
  const start = Date.now() - 30 * 24 * 3600 * 1000;
  let minute = 0;
  /** Each seed step happens one minute after the previous one. */
  const step = (fn: () => void) => lib.at(start + ++minute * 60_000, fn);
  const put = (path: string, content: string | Buffer, member: string) =>
    step(() => lib.putContent(path, typeof content === 'string' ? text(content) : bufferBlob(content), member, { overwrite: true }));

  put(SEED_PATHS.readme, '# 演示资料库 Demo Library\n\nThis library is served by the local Gokuai sandbox.\n这是本地沙箱里的演示资料库。\n', ZHANG);
  put(SEED_PATHS.roadmap, '# 2024 路线图\n\n- Q1: 调研\n', ZHANG);
  put(SEED_PATHS.roadmap, '# 2024 路线图\n\n- Q1: 调研\n- Q2: 开发\n', LI);
  put(SEED_PATHS.roadmap, '# 2024 路线图\n\n- Q1: 调研\n- Q2: 开发\n- Q3: 发布 🚀\n', WANG);
  put(SEED_PATHS.docx, minimalDocx(['会议纪要 Meeting notes', '参会人: 张三, 李四', 'Decisions: ship the sandbox.']), LI);
  put(SEED_PATHS.csv, '月份,销售额\n2024-01,1200\n2024-02,1350\n2024-03,1580\n', WANG);
  step(() => lib.setTags(lib.require(SEED_PATHS.csv), ['财务', '2024']));
  put(SEED_PATHS.settings, JSON.stringify({ theme: 'dark', language: 'zh-CN', autosave: true }, null, 2) + '\n', ZHANG);
  put(SEED_PATHS.emoji, '你好 😀 Hello!\n', LI);
  put(SEED_PATHS.special, 'Names may contain # and % — clients must encode them.\n', WANG);
  step(() => lib.putContent(SEED_PATHS.big, generatedBlob(0x5eed, BIG_FILE_SIZE), ZHANG, { overwrite: true }));
  step(() => {
    for (let i = 1; i <= BATCH_COUNT; i++) {
      const n = String(i).padStart(3, '0');
      lib.putContent(`${SEED_PATHS.batchFolder}/文件-${n}.txt`, text(`批量文件 ${n}\nbatch file ${n}\n`), WANG, { overwrite: true });
    }
  });
  put(SEED_PATHS.locked, '合同条款 (locked by 张三)\n', ZHANG);
  step(() => lib.setLock(lib.require(SEED_PATHS.locked), ZHANG));
  put(SEED_PATHS.recycled, '这份草稿已被删除, 可以从回收站恢复。\n', LI);
  step(() => lib.remove(SEED_PATHS.recycled, LI, false));
  step(() => lib.ensureFolder('空文件夹 Empty', ZHANG));
}
