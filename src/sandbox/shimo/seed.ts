import { newSheet, type Block, type FileType } from './model';
import { readMarkdown } from './office';
import { API_USER, OTHER_USER, type Store } from './store';

/**
 * Demo content of the Shimo sandbox. Shimo has no file-list API, so the integrator (the extension) lists files by the
 * ids it knows: SHIMO_SEED names them with their types and titles (Chinese, emoji, spaces, `#` and `%`).
 */

export const SHIMO_SEED = {
  files: [
    { id: 'sbx-doc-weekly', type: 'document', title: '周报 📅 第 12 周 #进度 50%' },
    { id: 'sbx-doc-notes', type: 'document', title: '会议纪要 #3 – 100% 完成 ✅' },
    { id: 'sbx-docpro-contract', type: 'documentPro', title: '合同模板 📝 #1 (草案 80%)' },
    { id: 'sbx-sheet-sales', type: 'spreadsheet', title: '销售数据 📊 2024 #Q1 增长 15%' },
    { id: 'sbx-sheet-budget', type: 'spreadsheet', title: '预算 %20 #2 💰' },
    { id: 'sbx-slides-launch', type: 'presentation', title: '发布会 🚀 演示 #3' },
    { id: 'sbx-table-tracker', type: 'table', title: '项目跟踪 📋 #任务 %' },
  ] as ReadonlyArray<{ readonly id: string; readonly type: FileType; readonly title: string }>,
  /** Sheet names of the seeded spreadsheets, in order (the API cannot list them). */
  sheets: {
    'sbx-sheet-sales': ['工作表1', '销售 2024'],
    'sbx-sheet-budget': ['工作表1', "Q1!: '预算'"],
    'sbx-table-tracker': ['任务'],
  } as Readonly<Record<string, readonly string[]>>,
  seatLimit: 10,
  /** Seat users: 1001 is the user of the sandbox's user token. */
  users: [
    { userId: '1001', name: API_USER.name, status: 1 },
    { userId: '1002', name: OTHER_USER.name, status: 1 },
    { userId: '1003', name: '李四', status: 1 },
    { userId: '1004', name: '王五', status: 0 },
    { userId: '1005', name: '赵六', status: -1 },
    { userId: '1006', name: 'Émilie 🌸', status: -1 },
  ] as ReadonlyArray<{ readonly userId: string; readonly name: string; readonly status: 1 | 0 | -1 }>,
} as const;

const WEEKLY = `# 本周工作 🗓️
## 已完成
- 接入石墨 SDK 沙箱
- 修复 #42：文件名含 % 的编码问题（覆盖率 100%）
## 下周计划
1. 导出 PDF 与 Word
2. 表格同步 @张三
普通段落：Unicode 测试 😀 中文、English、日本語。`;

const NOTES = `会议纪要
时间：2024-03-15 14:00
参会：张三、李四、Émilie 🌸
结论 #1：上线时间定为 4 月 1 日
结论 #2：预算使用率 95% 以内`;

const CONTRACT = `# 合同模板
## 第一条 总则
甲方与乙方本着平等互利的原则签订本合同。
## 第二条 付款
首付款为合同总额的 30%，余款验收后 10 个工作日内付清。`;

const day = (d: number, h = 2, m = 0) => Date.UTC(2024, 2, d, h, m);

export function seedDemo(store: Store): void {
  for (const u of SHIMO_SEED.users) store.user(u.userId, u.name, u.status, day(1, 1, 0) + Number(u.userId) * 60_000);
  const title = (id: string) => SHIMO_SEED.files.find((f) => f.id === id)!.title;
  const text = (blocks: Block[]) => ({ kind: 'text' as const, blocks });

  const weekly = store.add('sbx-doc-weekly', 'document', title('sbx-doc-weekly'), text(readMarkdown(WEEKLY)), day(11));
  store.edited(weekly, API_USER.userId, 'first draft', day(11, 3));
  store.edited(weekly, OTHER_USER.userId, 'added the plan', day(12, 6, 30));
  store.saveRevision(weekly, API_USER.userId, '初稿', day(12, 7));
  store.edited(weekly, '1003', 'fixed a typo', day(13, 1, 15));
  store.saveRevision(weekly, OTHER_USER.userId, '定稿 ✅', day(13, 2));
  store.mention(weekly, OTHER_USER.userId);
  store.mention(weekly, '1003');
  store.mention(weekly, OTHER_USER.userId);

  const notes = store.add('sbx-doc-notes', 'document', title('sbx-doc-notes'), text(NOTES.split('\n').map((t) => ({ kind: 'paragraph', text: t }))), day(15, 6));
  store.edited(notes, '1003', 'minutes', day(15, 7));

  const contract = store.add('sbx-docpro-contract', 'documentPro', title('sbx-docpro-contract'), text(readMarkdown(CONTRACT)), day(8));
  store.edited(contract, API_USER.userId, 'template', day(8, 4));
  store.saveRevision(contract, API_USER.userId, 'v1', day(8, 5));
  store.mention(contract, '1003');

  const sales = store.add('sbx-sheet-sales', 'spreadsheet', title('sbx-sheet-sales'), {
    kind: 'sheets',
    sheets: [
      // The reference's own example rows (GET sheets/values).
      newSheet('工作表1', [['姓名', '年龄', '性别'], ['小明', 29, '男'], ['小强', 18, '男'], ['小兰', 20, '女']]),
      // 45292 = 2024-01-01 as an OADate (the reference: dates are answered as OADate numbers).
      newSheet('销售 2024', [['月份', '销售额', '增长率', '日期'], ['1月', 12000, 0.15, 45292], ['2月', 13800, '15%', 45323], ['3月 🌸', 15870, null, 45352]]),
    ],
  }, day(2));
  store.edited(sales, API_USER.userId, 'sheet 工作表1 A1:C4', day(2, 3));
  store.history(sales, 1, { action: 'lock_sheet', name: '工作表1' }, [API_USER.userId], day(3, 1));
  store.history(sales, 1, { action: 'unlock_cell', range: ['B2:B4'], name: '工作表1' }, [OTHER_USER.userId], day(3, 2));
  store.edited(sales, OTHER_USER.userId, 'sheet 销售 2024 A1:D4', day(4, 5));
  store.saveRevision(sales, OTHER_USER.userId, 'Q1 数据', day(4, 6));
  store.mention(sales, '1003');
  sales.comments = 3;

  const budget = store.add('sbx-sheet-budget', 'spreadsheet', title('sbx-sheet-budget'), {
    kind: 'sheets',
    sheets: [newSheet('工作表1', [['项目', '金额'], ['差旅 #1', 5000], ['设备 (50%)', 12000.5]]), newSheet("Q1!: '预算'", [['季度', '预算'], ['Q1', 30000]])],
  }, day(5));
  store.edited(budget, API_USER.userId, 'sheet 工作表1 A1:B3', day(5, 2));

  const launch = store.add('sbx-slides-launch', 'presentation', title('sbx-slides-launch'), {
    kind: 'slides',
    slides: [['发布会 🚀', '2024 春季新品'], ['议程', '1. 产品介绍', '2. 现场演示 #demo', '3. 问答 100% 互动'], ['谢谢 🙏']],
  }, day(6));
  store.edited(launch, OTHER_USER.userId, 'slides', day(6, 3));

  const tracker = store.add('sbx-table-tracker', 'table', title('sbx-table-tracker'), {
    kind: 'sheets',
    sheets: [newSheet('任务', [['任务', '负责人', '状态', '进度'], ['接入 SDK', '张三', '进行中', 0.5], ['编写文档 #2', '李四', '完成 ✅', 1], ['性能测试 %', 'Émilie 🌸', '未开始', 0]])],
  }, day(7));
  store.edited(tracker, '1003', 'records', day(7, 2));
}
