import { bufferBlob, generatedBlob, type Blob } from '../common/blob';
import { blankContent } from './deps';
import { minimalDocx } from '../common/ooxml';
import { seedOutline } from './outline';
import { serializeWorkbook, type Workbook } from './sheets';
import { ROOT, type Entry, type Space } from './store';

/**
 * Deterministic demo content of the kdocs sandbox (Chinese, emoji, space, '#' and '%' names; timestamps in the past,
 * one minute apart). Personal: the app folder, a 120-file folder (paging with next_offset), a 20 MB binary, starred
 * files, one recycle-bin item, a file another user shared (no share right) and online documents: a budget sheet
 * (.ksheet, two sheets of data for AirScript: SEED_WORKBOOK), a project plan (.otl: headings, marks, nested lists, a
 * table, an image: outline.ts) and a database table (.dbt, blank). App space: a file with three versions, a 25-file
 * folder, a blank online sheet, one trashed item.
 */

export const APP_FOLDER_PATH = '我的应用/Doc Workspaces 沙箱';
export const KDOCS_SEED = {
  personal: {
    welcome: `${APP_FOLDER_PATH}/欢迎使用.docx`,
    notes: `${APP_FOLDER_PATH}/笔记 notes.md`,
    csv: `${APP_FOLDER_PATH}/数据/销售 2024.csv`,
    weekly: '工作周报.docx',
    travel: '个人/旅行计划 ✈️.md',
    special: 'name with #hash and %percent.txt',
    big: '大文件/sample-20MB.bin',
    batchFolder: '批量',
    trashed: '旧文件.txt',
    sharedByOther: '部门通讯录.txt',
    /** Online documents (they open in the browser): a smart sheet, a smart document and a database table. */
    onlineSheet: '在线文档/预算 2025.ksheet',
    onlineDoc: '在线文档/项目计划.otl',
    onlineTable: '在线文档/客户库 CRM.dbt',
  },
  appspace: {
    readme: 'README.txt',
    contract: '合同模板/采购合同.docx',
    report: '报告/季度报告 Q1.md',
    emoji: '📁 图片 Emoji/笑脸 😀.txt',
    batchFolder: '批量',
    trashed: '过期草稿.md',
    onlineSheet: '在线表格 Online sheet.ksheet',
  },
} as const;

/** Content of the seeded personal online sheet (KDOCS_SEED.personal.onlineSheet). */
export const SEED_WORKBOOK: Workbook = {
  sheets: [
    {
      name: '预算',
      rows: [
        ['月份 Month', '收入 Income', '支出 Expense', '结余 Balance'],
        ['2025-01', 12000, 8500, 3500],
        ['2025-02', 12500, 9100, 3400],
        ['2025-03', 13200, 8800, 4400],
      ],
    },
    { name: '汇总 Summary', rows: [['项目 Item', '值 Value'], ['总收入 Total income', 37700], ['备注 Note', '由脚本更新 updated by scripts']] },
  ],
  active: 0,
};

export const PERSONAL_BATCH = 120;
export const APPSPACE_BATCH = 25;
export const KDOCS_BIG_FILE_SIZE = 20 * 1024 * 1024;

const ME = '沙箱用户 Sandbox User';
const COLLEAGUE = '同事 Colleague';

const text = (s: string): Blob => bufferBlob(Buffer.from(s, 'utf8'));

/** Creates or replaces the file at `path` (parents created). */
export function putPath(sp: Space, path: string, blob: Blob, member: string): Entry {
  const parts = path.split('/').filter((s) => s !== '');
  const name = parts.pop();
  if (!name) throw new Error('empty path');
  const folder = sp.folderByPath(parts, ROOT, member, true);
  const existing = sp.children(folder.token).find((c) => c.name === name);
  if (existing && !existing.dir) {
    sp.setContent(existing, blob, member);
    return existing;
  }
  return sp.add(folder.token, name, false, member, blob);
}

function clock(sp: Space): (fn: () => void) => void {
  const start = Date.now() - 20 * 24 * 3600 * 1000;
  let minute = 0;
  return (fn) => sp.at(start + ++minute * 60_000, fn);
}

export function seedPersonal(sp: Space): void {
  const step = clock(sp);
  const S = KDOCS_SEED.personal;
  const put = (path: string, blob: Blob, member = ME) => step(() => putPath(sp, path, blob, member));
  step(() => sp.folderByPath(APP_FOLDER_PATH.split('/'), ROOT, ME, true));
  put(S.welcome, bufferBlob(minimalDocx(['欢迎使用金山文档沙箱', 'Welcome to the Kingsoft Docs sandbox.'])));
  put(S.notes, text('# 笔记 Notes\n\n- 沙箱里的个人文档\n- personal documents in the sandbox\n'));
  put(S.csv, text('月份,销售额\n2024-01,980\n2024-02,1130\n'));
  put(S.weekly, bufferBlob(minimalDocx(['工作周报 Weekly report', '本周完成: 沙箱'])));
  put(S.travel, text('# 旅行计划 ✈️\n\n杭州 → 北京\n'));
  put(S.special, text('Names may contain # and % — clients must encode them.\n'));
  put(S.big, generatedBlob(0x5eed, KDOCS_BIG_FILE_SIZE));
  step(() => {
    for (let i = 1; i <= PERSONAL_BATCH; i++) {
      const n = String(i).padStart(3, '0');
      putPath(sp, `${S.batchFolder}/文档-${n}.txt`, text(`批量文档 ${n}\n`), ME);
    }
  });
  step(() => {
    for (const p of [S.weekly, S.notes]) sp.byPath(p)!.starred = true;
  });
  put(S.onlineSheet, bufferBlob(serializeWorkbook(SEED_WORKBOOK)));
  put(S.onlineDoc, bufferBlob(seedOutline()));
  put(S.onlineTable, blankContent(S.onlineTable));
  put(S.trashed, text('这份文件在回收站里, 可以恢复。\n'));
  step(() => sp.trash(sp.byPath(S.trashed)!, ME));
  // A colleague's file shared with the user: visible in "recent", outside the user's tree, no share right.
  step(() => {
    const holder = sp.add(ROOT, '与我共享', true, COLLEAGUE);
    holder.parent = '';
    holder.owner = COLLEAGUE;
    const shared = sp.add(holder.token, S.sharedByOther, false, COLLEAGUE, text('张三 13800000000\n李四 13900000000\n'));
    shared.owner = COLLEAGUE;
  });
}

export function seedAppspace(sp: Space): void {
  const step = clock(sp);
  const S = KDOCS_SEED.appspace;
  const put = (path: string, blob: Blob, member = 'app') => step(() => putPath(sp, path, blob, member));
  put(S.readme, text('应用空间 App space of the Kingsoft Docs sandbox.\n'));
  put(S.contract, bufferBlob(minimalDocx(['采购合同 Purchase contract', '甲方: 够快 乙方: 金山'])));
  put(S.report, text('# 季度报告 Q1\n\n草稿\n'), '张三');
  put(S.report, text('# 季度报告 Q1\n\n收入增长 12%\n'), '李四');
  put(S.report, text('# 季度报告 Q1\n\n收入增长 12%\n利润增长 8% 🎉\n'), '王五');
  put(S.emoji, text('你好 😀\n'));
  step(() => {
    for (let i = 1; i <= APPSPACE_BATCH; i++) {
      const n = String(i).padStart(2, '0');
      putPath(sp, `${S.batchFolder}/条目-${n}.txt`, text(`条目 ${n}\n`), 'app');
    }
  });
  put(S.onlineSheet, blankContent(S.onlineSheet), 'app');
  put(S.trashed, text('过期的草稿\n'));
  step(() => sp.trash(sp.byPath(S.trashed)!, 'app'));
}
