import { solidPng } from '../common/png';
import { generatedRecordId } from './ids';
import type { Datasheet, Field, Member, Rec, User } from './model';
import type { Store } from './store';

/**
 * Deterministic demo content of the Vika sandbox (ids too: they come from a seeded generator, ids.ts):
 *
 *   演示空间站                                     (space 1)
 *   ├── 项目资料 📁/                               folder
 *   │   ├── 项目任务 🚀                            300 records, every field type, views 全部 / 进行中 · 按优先级 / 看板
 *   │   ├── 项目 Projects                          5 records, the other end of 项目任务's MagicLink
 *   │   └── 2024 计划 #1 %/                        nested folder
 *   │       └── 预算 #2 100%                       3 records
 *   ├── 空文件夹 Empty/                            empty folder
 *   ├── 大表 50k                                   `bigSheetRows` records (default 50 000), generated on first access
 *   ├── 收集表 📝                                  a Form node
 *   └── 仪表盘 Dashboard                           a Dashboard node
 *   第二空间站 Second Space                        (space 2)
 *   ├── 客户名单 Customers                         3 records
 *   └── 归档 Archive/                              empty folder
 *
 * Values contain commas, quotes, newlines, `#`, `%` and emoji; about one cell in ten of each column is empty.
 * Timestamps are relative to start-up (records were created over the 30 days before), date cells are fixed.
 */

export const VIKA_SEED = {
  space: '演示空间站',
  secondSpace: '第二空间站 Second Space',
  folder: '项目资料 📁',
  nestedFolder: '2024 计划 #1 %',
  emptyFolder: '空文件夹 Empty',
  archiveFolder: '归档 Archive',
  tasks: '项目任务 🚀',
  projects: '项目 Projects',
  budget: '预算 #2 100%',
  big: '大表 50k',
  customers: '客户名单 Customers',
  form: '收集表 📝',
  dashboard: '仪表盘 Dashboard',
  taskRows: 300,
  projectRows: 5,
  views: { all: '全部', active: '进行中 · 按优先级', kanban: '看板', projectsAll: '全部项目' },
  /** The filter, sort and hidden fields of the `active` view. */
  activeView: { filter: '{状态} = "进行中"', sort: [{ field: '优先级', order: 'desc' }, { field: '编号', order: 'asc' }], hidden: ['描述', '电话'] },
  attachments: { png: '截图 📷.png', txt: '说明 #1 %.txt' },
} as const;

export const BIG_SHEET_ROWS = 50_000;

const TOPICS = [
  '设计登录页', '修复 "保存" 按钮', '支持逗号, 分号; 和 \'单引号\'', '发布 🚀 v1.0', 'API 文档 #1 & 100%', 'Emoji 测试 😀👍', '性能优化', '数据迁移, 第二批',
];
const STATUSES = ['未开始', '进行中', '已完成', '已取消'];
const TAGS = ['前端', '后端', '设计', '测试', 'P0, 紧急'];
const PROJECTS: Array<[string, string]> = [
  ['官网改版 Website', 'ACME 公司'], ['移动端 App 📱', '字节跳动'], ['数据平台, 二期', '维格科技'], ['"内部" 工具', '腾讯, 深圳\n南山区'], ['客户 #5 项目 100%', '个人客户 😀'],
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function seedDemo(s: Store, bigSheetRows = BIG_SHEET_ROWS): void {
  const start = Date.now() - 30 * 24 * 3600_000;
  const zhangUser = s.addUser('张三 Zhang San');
  const users: User[] = [s.apiUser, s.otherUser, zhangUser];
  const members: Member[] = [
    s.addMember('张三 Zhang San'), s.addMember('李四 Li Si'), s.addMember('王五 Wang Wu'), s.addMember('赵六 Zhao Liu'),
    s.addMember('沙箱用户 Sandbox User'), s.addMember('研发部 R&D', 'Team'),
  ];

  const space = s.addSpace(VIKA_SEED.space, true);
  const second = s.addSpace(VIKA_SEED.secondSpace, false);
  const folder = s.addNode(space.id, { name: VIKA_SEED.folder, type: 'Folder', icon: '🗂️', isFav: true });

  // --- 项目 Projects, then 项目任务 🚀 linking to it ---
  const projects = s.createDatasheet(space.id, VIKA_SEED.projects, [
    { name: '名称', type: 'SingleText' },
    { name: '客户', type: 'Text' },
    { name: '预算上限', type: 'Currency', property: { symbol: '¥', precision: 0 } },
  ], { folderId: folder.id, position: 'last', views: [{ name: VIKA_SEED.views.projectsAll }] });
  const projectRecs = s.createRecords(projects, PROJECTS.map(([name, client], i) => ({ fields: { 名称: name, 客户: client, 预算上限: (i + 1) * 100_000 } })), 'name', s.apiUser);

  const tasks = s.createDatasheet(space.id, VIKA_SEED.tasks, [
    { name: '任务', type: 'SingleText', property: { defaultValue: '' } },
    { name: '描述', type: 'Text' },
    { name: '状态', type: 'SingleSelect', property: { options: STATUSES.map((name) => ({ name })) } },
    { name: '标签', type: 'MultiSelect', property: { options: TAGS.map((name) => ({ name })) } },
    { name: '工时', type: 'Number', property: { precision: 1, symbol: '小时' } },
    { name: '预算', type: 'Currency', property: { symbol: '¥', precision: 2 } },
    { name: '进度', type: 'Percent', property: { precision: 0 } },
    { name: '截止日期', type: 'DateTime', property: { dateFormat: 'YYYY/MM/DD', includeTime: false } },
    { name: '负责人', type: 'Member', property: { isMulti: true } },
    { name: '附件', type: 'Attachment' },
    { name: '完成', type: 'Checkbox', property: { icon: '✅' } },
    { name: '优先级', type: 'Rating', property: { icon: '⭐', max: 5 } },
    { name: '链接', type: 'URL' },
    { name: '邮箱', type: 'Email' },
    { name: '电话', type: 'Phone' },
    { name: '所属项目', type: 'MagicLink', property: { foreignDatasheetId: projects.id, limitSingleRecord: true } },
  ], { folderId: folder.id, position: 'first', icon: '🚀', isFav: true, description: '演示: 每种字段类型 (every field type)', views: [{ name: VIKA_SEED.views.all }] });
  const link = field(tasks, '所属项目');
  const brother = projects.fields.find((f) => f.id === link.property.brotherFieldId)!;
  brother.name = '任务列表';
  s.createField(tasks, { name: '项目客户', type: 'MagicLookUp', property: { relatedLinkFieldId: link.id, targetFieldId: field(projects, '客户').id, rollupFunction: 'VALUES' } });
  s.createField(tasks, { name: '总成本', type: 'Formula', property: { expression: '{预算} + {工时} * 200' } });
  for (const [name, type] of [['编号', 'AutoNumber'], ['创建时间', 'CreatedTime'], ['修改时间', 'LastModifiedTime'], ['创建人', 'CreatedBy'], ['修改人', 'LastModifiedBy']] as const) {
    s.createField(tasks, { name, type, property: type.endsWith('Time') ? { dateFormat: 'YYYY/MM/DD', timeFormat: 'HH:mm', includeTime: true } : undefined });
  }

  const png = s.addAttachment(space.id, VIKA_SEED.attachments.png, solidPng(4, 3, [0x55, 0x86, 0xff]), 'image/png', { width: 4, height: 3 });
  const txt = s.addAttachment(space.id, VIKA_SEED.attachments.txt, Buffer.from('Vika 沙箱附件, with commas, "quotes"\n第二行 🎉\n', 'utf8'), 'text/plain');

  const rows: Array<{ fields: Record<string, unknown> }> = [];
  for (let i = 0; i < VIKA_SEED.taskRows; i++) {
    const n = pad(i + 1, 3);
    const status = STATUSES[(i * 3) % 4];
    const f: Record<string, unknown> = {
      任务: `T${n} ${TOPICS[i % TOPICS.length]}`,
      状态: status,
      完成: status === '已完成',
      优先级: 1 + (i % 5),
      进度: ((i * 13) % 101) / 100,
    };
    if (i % 4 === 0) f.描述 = `第一行 ${n}\n第二行, 含逗号\n"引号" 与 emoji 🎉`;
    else if (i % 4 === 1) f.描述 = `单行描述 ${n}`;
    if (i % 6 !== 5) f.标签 = i % 2 === 0 ? [TAGS[i % 5], TAGS[(i + 2) % 5]] : [TAGS[i % 5]];
    if (i % 10 !== 9) f.工时 = (i % 40) / 2 + 0.5;
    if (i % 7 !== 6) f.预算 = 1000 + i * 12.5;
    if (i % 9 !== 8) f.截止日期 = Date.UTC(2024, 0, 1) + i * 86_400_000;
    if (i % 11 !== 10) f.负责人 = i % 5 === 0 ? [members[i % 4].id, members[(i + 1) % 4].id] : [members[i % 4].id];
    if (i < 3) f.附件 = i === 0 ? [{ token: png.token }] : i === 1 ? [{ token: txt.token }] : [{ token: png.token }, { token: txt.token }];
    if (i % 3 === 0) f.链接 = `https://example.com/tasks/${n}?q=a,b&x=%E4%B8%AD#frag`;
    if (i % 2 === 0) f.邮箱 = `user${n}@example.com`;
    if (i % 3 === 1) f.电话 = `+86 138-0000-${pad(i, 4)}`;
    if (i % 13 !== 12) f.所属项目 = [projectRecs[i % projectRecs.length].id];
    rows.push({ fields: f });
  }
  const taskRecs: Rec[] = [];
  for (let k = 0; k < rows.length; k += 10) taskRecs.push(...s.createRecords(tasks, rows.slice(k, k + 10), 'name', s.apiUser));
  taskRecs.forEach((r, i) => {
    r.createdAt = start + i * 60_000;
    r.updatedAt = r.createdAt + (i % 3) * 3600_000;
    r.createdBy = users[i % 3].uuid;
    r.updatedBy = users[(i + 1) % 3].uuid;
  });
  projectRecs.forEach((r, i) => {
    r.createdAt = start - (5 - i) * 3600_000;
    r.updatedAt = start + VIKA_SEED.taskRows * 60_000;
  });

  const active = VIKA_SEED.activeView;
  s.addView(tasks, {
    name: VIKA_SEED.views.active, type: 'Grid', filter: active.filter,
    sort: active.sort.map((k) => ({ fieldId: field(tasks, k.field).id, desc: k.order === 'desc' })),
    hidden: active.hidden.map((name) => field(tasks, name).id),
    columns: ['任务', '优先级', '状态', '负责人'].map((name) => field(tasks, name).id),
  });
  s.addView(tasks, { name: VIKA_SEED.views.kanban, type: 'Kanban', hidden: [] });

  // --- nested folder with odd names ---
  const nested = s.addNode(space.id, { name: VIKA_SEED.nestedFolder, type: 'Folder' }, folder.id);
  const budget = s.createDatasheet(space.id, VIKA_SEED.budget, [
    { name: '项目', type: 'SingleText' }, { name: '金额', type: 'Currency', property: { symbol: '¥', precision: 2 } }, { name: '备注', type: 'Text' },
  ], { folderId: nested.id, position: 'last', views: [{ name: VIKA_SEED.views.all }] });
  s.createRecords(budget, [
    { fields: { 项目: 'Q1 #1', 金额: 12_345.6, 备注: '含 100% 税, 已审批' } },
    { fields: { 项目: 'Q2 "扩张"', 金额: 99_999.99, 备注: '第一行\n第二行' } },
    { fields: { 项目: 'Q3 🚀', 金额: 0.5 } },
  ], 'name', s.apiUser);

  s.addNode(space.id, { name: VIKA_SEED.emptyFolder, type: 'Folder' });

  // --- the big sheet: fields now, records on first access ---
  const big = s.createDatasheet(space.id, VIKA_SEED.big, [
    { name: '标题', type: 'SingleText' }, { name: '序号', type: 'Number', property: { precision: 0 } },
    { name: '分组', type: 'SingleSelect', property: { options: ['A', 'B', 'C', 'D', 'E'].map((name) => ({ name })) } },
    { name: '完成', type: 'Checkbox', property: { icon: '✅' } },
  ], { position: 'last', views: [{ name: VIKA_SEED.views.all }] });
  big.plannedRows = bigSheetRows;
  big.generate = () => {
    delete big.generate;
    generateRows(big, bigSheetRows, start, s.apiUser.uuid);
  };

  s.addNode(space.id, { name: VIKA_SEED.form, type: 'Form', icon: '📝' });
  s.addNode(space.id, { name: VIKA_SEED.dashboard, type: 'Dashboard' });

  // --- space 2 ---
  const customers = s.createDatasheet(second.id, VIKA_SEED.customers, [
    { name: '名称', type: 'SingleText' }, { name: '城市', type: 'SingleText' },
  ], { position: 'last', views: [{ name: VIKA_SEED.views.all }] });
  s.createRecords(customers, [
    { fields: { 名称: '阿里巴巴', 城市: '杭州' } }, { fields: { 名称: 'Tencent, Inc.', 城市: '深圳' } }, { fields: { 名称: '"小米"', 城市: '北京 🏙️' } },
  ], 'name', s.apiUser);
  s.addNode(second.id, { name: VIKA_SEED.archiveFolder, type: 'Folder' });
}

function field(ds: Datasheet, name: string): Field {
  const f = ds.fields.find((x) => x.name === name);
  if (!f) throw new Error(`vika seed: no field ${name} in ${ds.name}`);
  return f;
}

/** `rows` records of the big sheet, built directly (no per-record validation): ~50 ms for 50 000. */
function generateRows(ds: Datasheet, rows: number, start: number, uuid: string): void {
  const [title, seq, group, done] = ds.fields;
  const options = group.property.options as Array<{ id: string }>;
  for (let i = 0; i < rows; i++) {
    let id = generatedRecordId(0x50_000, i);
    while (ds.byId.has(id)) id = generatedRecordId(0x50_001 + i, i);
    const cells: Record<string, unknown> = { [title.id]: `第 ${i + 1} 行 Row ${i + 1}`, [seq.id]: i + 1, [group.id]: options[i % options.length].id };
    if (i % 3 === 0) cells[done.id] = true;
    const at = start + Math.floor(i / 10) * 1000;
    const rec: Rec = { id, cells, createdAt: at, updatedAt: at, createdBy: uuid, updatedBy: uuid, autoNumber: i + 1 };
    ds.records.push(rec);
    ds.byId.set(id, rec);
  }
  ds.nextAutoNumber = rows + 1;
}
