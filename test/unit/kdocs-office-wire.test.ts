import * as assert from 'assert';
import {
  canExtract, convertedNames, convertTargets, LogDeduper, pageFields, robotLink, robotMessage, scriptNameOf, toScriptLog,
  woaAppContent,
} from '../../src/vendors/kdocs/office-capabilities';
import {
  logText, parseLogSource, resultFiles, scriptErrorPosition, toOfficeTask, toPreviewResult, toPreviewTask, toScriptStatus,
  type KdScriptLogLine,
} from '../../src/vendors/kdocs/office-wire';

describe('kdocs office wire: conversion tasks', () => {
  const url = (n: number) => `https://res.example/out-${n}?sig=abc${n}`;

  it('a documented finished answer: progress 100 with result.pdfs is done; files keep url and size', () => {
    const t = toOfficeTask({ status: 'success', progress: 100, result: { pdfs: [{ url: url(1), size: 10 }] }, task: { elapsed: 9, resource_size: 20 } }, 'open:x')!;
    assert.deepStrictEqual([t.taskId, t.state, t.progress], ['open:x', 'success', 100]);
    assert.deepStrictEqual(t.files, [{ url: url(1), size: 10, kind: 'pdf', page: undefined }]);
  });

  it('status words are unknown: progress 100 with a result is done whatever the word; a message is a failure', () => {
    assert.strictEqual(toOfficeTask({ status: 'whatever', progress: 100, result: { images: [{ url: url(1), size: 1, slideId: '150995203' }] } })!.state, 'success');
    assert.strictEqual(toOfficeTask({ status: 'processing', progress: 40 })!.state, 'running');
    assert.strictEqual(toOfficeTask({ status: 'processing', progress: 100 })!.state, 'running', 'no result yet: still running');
    const failed = toOfficeTask({ status: 'processing', progress: 30, message: 'file is encrypted' })!;
    assert.deepStrictEqual([failed.state, failed.message], ['failed', 'file is encrypted']);
    assert.deepStrictEqual([toOfficeTask({ status: 'failure' })!.state, toOfficeTask({ status: 'failure' })!.message], ['failed', 'failure']);
    assert.strictEqual(toOfficeTask({ progress: 100, message: '   ' })!.state, 'running', 'a blank message is no failure');
  });

  it('accepts the single-file variant result:{url,size}, images with slide ids, txts, and a bare list', () => {
    assert.deepStrictEqual(resultFiles({ url: url(1), size: 5 }), [{ url: url(1), size: 5, kind: 'file', page: undefined }]);
    assert.deepStrictEqual(resultFiles({ images: [{ url: url(1), size: 1, slideId: '7' }, { url: url(2), size: 2 }] }).map((f) => [f.kind, f.page]), [['image', '7'], ['image', undefined]]);
    assert.deepStrictEqual(resultFiles({ txts: [{ url: url(3), size: 3 }] })[0].kind, 'txt');
    assert.deepStrictEqual(resultFiles([{ url: url(4) }, 'https://res.example/5', { nourl: 1 }]).map((f) => f.url), [url(4), 'https://res.example/5']);
    assert.deepStrictEqual(resultFiles({ docxs: [{ url: url(6), size: 6 }] }).map((f) => [f.kind, f.url]), [['file', url(6)]], 'any other list of {url}');
    assert.deepStrictEqual(resultFiles(undefined), []);
    assert.deepStrictEqual(resultFiles({ pdfs: [{ size: 1 }] }), [], 'entries without a url are left out');
  });

  it('extraction answers with the text inline are done; garbage is undefined, never a throw', () => {
    const t = toOfficeTask({ progress: 100, result: { text: '第一段\n第二段' } })!;
    assert.deepStrictEqual([t.state, t.text, t.files], ['success', '第一段\n第二段', []]);
    assert.strictEqual(toOfficeTask({ progress: 100, result: 'plain' })!.text, 'plain');
    for (const bad of [null, 'x', 3, []]) assert.strictEqual(toOfficeTask(bad), undefined);
  });
});

describe('kdocs office wire: anonymous previews', () => {
  it('reads url, token and expiry from the task result or from the answer itself', () => {
    const now = 1_700_000_000_000;
    const a = toPreviewTask({ status: 'success', result: { url: 'https://p.example/v?x=1', token: 'tok-123456', expires_in: 86400 } }, 't', now)!;
    assert.deepStrictEqual([a.state, a.result?.url, a.result?.token, a.result?.expiresAt], ['success', 'https://p.example/v?x=1', 'tok-123456', now + 86_400_000]);
    assert.strictEqual(toPreviewResult({ link: 'https://p.example/2', anonymous_token: 'tok-2', expire_time: 1_700_000_100 })!.expiresAt, 1_700_000_100_000);
    assert.strictEqual(toPreviewResult({ token: 't3', expires_at: 1_700_000_100_123 })!.expiresAt, 1_700_000_100_123);
    assert.strictEqual(toPreviewResult({ task_id: 'x' }), undefined);
  });

  it('a task without a result runs; with a message or a failure word it failed', () => {
    assert.strictEqual(toPreviewTask({ status: 'running' })!.state, 'running');
    assert.strictEqual(toPreviewTask({ status: 'failed' })!.state, 'failed');
    assert.deepStrictEqual([toPreviewTask({ message: 'unsupported format' })!.state, toPreviewTask({ message: 'unsupported format' })!.message], ['failed', 'unsupported format']);
  });
});

describe('kdocs office wire: AirScript', () => {
  const line = (over: Partial<Record<string, unknown>> = {}) => ({ args: ['foo'], filename: 'test.js:1:9', level: 'info', timestamp: '10:00:00.123', unix_time: 1_700_000_000, ...over });

  it('reads the documented sync_script / status answer: status, logs, result', () => {
    const s = toScriptStatus({ error: '', status: 'finish', data: { logs: [line(), line({ args: ['bar', 2, { a: 1 }] })], result: 42 } });
    assert.deepStrictEqual([s.state, s.error, s.result, s.logs.length], ['success', undefined, 42, 2]);
    assert.deepStrictEqual(s.logs[1].args, ['bar', 2, { a: 1 }]);
    assert.strictEqual(toScriptStatus({ error: '', status: 'running', data: { logs: [] } }).state, 'running');
  });

  it('accepts the webhook spelling `finished`, the "[Undefined]" result and logs one level up', () => {
    const s = toScriptStatus({ status: 'finished', error: '', data: { logs: [], result: '[Undefined]' } });
    assert.deepStrictEqual([s.state, s.result], ['success', undefined]);
    assert.strictEqual(toScriptStatus({ status: 'running', logs: [line()] }).logs.length, 1);
  });

  it('an error (message or error_details) fails the run, whatever the status says', () => {
    const s = toScriptStatus({ status: 'finish', error: 'TypeError: x is not a function', error_details: { name: 'TypeError', msg: 'x is not a function', stack: ['    at test.js:3:5'], unix_time: 1 }, data: { logs: [] } });
    assert.deepStrictEqual([s.state, s.error, s.errorDetails?.stack], ['failed', 'TypeError: x is not a function', ['    at test.js:3:5']]);
    const onlyDetails = toScriptStatus({ status: 'finish', data: { error_details: { name: 'Error', msg: 'boom', stack: [] } } });
    assert.deepStrictEqual([onlyDetails.state, onlyDetails.error], ['failed', 'Error: boom']);
    assert.strictEqual(toScriptStatus('garbage').state, 'running');
  });

  it('parses log sources: name.js:line:col, <system>, anonymous', () => {
    assert.deepStrictEqual(parseLogSource('report.js:12:3'), { file: 'report.js', line: 12, column: 3 });
    assert.deepStrictEqual(parseLogSource('<system>'), { file: '<system>' });
    assert.deepStrictEqual(parseLogSource('anonymous'), { file: 'anonymous' });
    assert.deepStrictEqual(parseLogSource('报告 v2.js:4'), { file: '报告 v2.js', line: 4 });
    assert.deepStrictEqual(parseLogSource(undefined), {});
  });

  it('maps a log line to a ScriptLog: unix seconds or ms to ms, args joined as console.log does', () => {
    const l = toScriptStatus({ data: { logs: [line({ args: ['n =', 3, null, { k: 'v' }], level: 'WARN' })] } }).logs[0];
    assert.deepStrictEqual(toScriptLog(l), { time: 1_700_000_000_000, level: 'warn', text: 'n = 3 null {"k":"v"}', file: 'test.js', line: 1, column: 9 });
    const ms = toScriptStatus({ data: { logs: [line({ unix_time: 1_700_000_000_456, filename: '<system>' })] } }).logs[0];
    assert.deepStrictEqual(toScriptLog(ms), { time: 1_700_000_000_456, level: 'info', text: 'foo', file: '<system>' });
    assert.strictEqual(toScriptLog(toScriptStatus({ data: { logs: [{ args: ['x'] }] } }).logs[0], 5).time, 5);
    assert.strictEqual(logText([undefined, 'a']), 'undefined a');
  });

  it('error positions: the script\'s own stack frame first, then the (line:col) of a SyntaxError (0-based column)', () => {
    assert.deepStrictEqual(scriptErrorPosition('TypeError: boom', ['    at helper (<system>:1:1)', '    at lib.js:9:9', '    at report.js:3:15'], 'report.js'), { line: 3, column: 15, file: 'report.js' });
    assert.deepStrictEqual(scriptErrorPosition('Error: boom', ['    at other.js:2:4'], 'report.js'), { line: 2, column: 4, file: 'other.js' });
    assert.deepStrictEqual(scriptErrorPosition('SyntaxError: Unexpected token (2:4)', [], 'report.js'), { line: 2, column: 5 });
    assert.deepStrictEqual(scriptErrorPosition('Error: x\n    at report.js:7:1', [], 'report.js'), { line: 7, column: 1, file: 'report.js' });
    assert.strictEqual(scriptErrorPosition('Error: no position', [], 'report.js'), undefined);
  });

  it('the script name in the log lines: without .js (the service appends it)', () => {
    assert.deepStrictEqual(['report.js', 'dir/统计.JS', 'plain', ' .js'].map(scriptNameOf), ['report', '统计', 'plain', 'script']);
  });

  it('log lines are delivered once, in order, even when an answer repeats earlier ones', () => {
    const mk = (text: string, t: number): KdScriptLogLine => ({ args: [text], filename: 'a.js:1:1', level: 'info', unixTime: t, raw: {} });
    const d = new LogDeduper();
    const texts = (ls: KdScriptLogLine[]) => ls.map((l) => l.args[0]);
    assert.deepStrictEqual(texts(d.fresh([mk('a', 1), mk('b', 2)])), ['a', 'b']);
    assert.deepStrictEqual(texts(d.fresh([mk('c', 3)])), ['c'], 'new lines only (the documented behaviour)');
    assert.deepStrictEqual(texts(d.fresh([mk('a', 1), mk('b', 2), mk('c', 3), mk('d', 4)])), ['d'], 'a cumulative answer: the repeat is skipped');
    assert.deepStrictEqual(texts(d.fresh([mk('c', 3), mk('d', 4), mk('e', 5)])), ['e'], 'a repeated tail is skipped');
    assert.deepStrictEqual(texts(d.fresh([mk('d', 9)])), ['d'], 'the same text at another time is a new line');
    assert.deepStrictEqual(texts(d.fresh([])), []);
  });
});

describe('kdocs convert capability: pure parts', () => {
  it('targets: pdf first, the own family\'s modern format (never the file\'s own), txt and images; PDFs to text and images', () => {
    assert.deepStrictEqual(convertTargets('报告.doc'), ['pdf', 'docx', 'txt', 'png', 'jpg']);
    assert.deepStrictEqual(convertTargets('a.DOCX'), ['pdf', 'txt', 'png', 'jpg']);
    assert.deepStrictEqual(convertTargets('b.xls'), ['pdf', 'xlsx', 'txt', 'png', 'jpg']);
    assert.deepStrictEqual(convertTargets('c.pptx'), ['pdf', 'txt', 'png', 'jpg']);
    assert.deepStrictEqual(convertTargets('d.ppt'), ['pdf', 'pptx', 'txt', 'png', 'jpg']);
    assert.deepStrictEqual(convertTargets('e.pdf'), ['txt', 'png', 'jpg']);
    for (const n of ['f.otl', 'g.ksheet', 'h.txt', 'noext', '.docx']) assert.deepStrictEqual(convertTargets(n), [], n);
    assert.deepStrictEqual(['a.docx', 'b.pdf', 'c.otl', 'd.XLS'].map(canExtract), [true, true, false, true]);
  });

  it('page ranges: one page as ranges (to_page must exceed from_page), several as from/to; bad ranges refused', () => {
    assert.deepStrictEqual(pageFields(undefined), {});
    assert.deepStrictEqual(pageFields({ from: 3, to: 3 }), { ranges: '3' });
    assert.deepStrictEqual(pageFields({ from: 2, to: 5 }), { from_page: 2, to_page: 5 });
    for (const bad of [{ from: 0, to: 2 }, { from: 3, to: 2 }, { from: 1.5, to: 2 }]) assert.throws(() => pageFields(bad), /page range/);
  });

  it('result names: images one per page from the first page asked, one other file as <stem>.<target>', () => {
    assert.deepStrictEqual(convertedNames('dir/季度 报告.docx', 'png', 3), ['季度 报告-1.png', '季度 报告-2.png', '季度 报告-3.png']);
    assert.deepStrictEqual(convertedNames('a.pptx', 'jpg', 2, 4), ['a-4.jpg', 'a-5.jpg']);
    assert.deepStrictEqual(convertedNames('a.pptx', 'jpg', 1), ['a-1.jpg']);
    assert.deepStrictEqual(convertedNames('a.doc', 'pdf', 1), ['a.pdf']);
    assert.deepStrictEqual(convertedNames('a.doc', 'txt', 2), ['a-1.txt', 'a-2.txt']);
  });
});

describe('kdocs chat capability: message bodies', () => {
  const link = { title: 'Q3 [draft]', url: 'https://example.com/r?id=1' };

  it('plain text is a text message; with a link each service gets its own Markdown shape', () => {
    for (const kind of ['woa', 'wecom', 'dingtalk']) assert.deepStrictEqual(robotMessage(kind, { text: 'hi' }), { msgtype: 'text', text: { content: 'hi' } });
    const md = 'hi\n\n[Q3 draft](https://example.com/r?id=1)';
    assert.deepStrictEqual(robotMessage('woa', { text: 'hi', link }), { msgtype: 'markdown', markdown: { text: md } });
    assert.deepStrictEqual(robotMessage('wecom', { text: 'hi', link }), { msgtype: 'markdown', markdown: { content: md } });
    assert.deepStrictEqual(robotMessage('dingtalk', { text: 'hi', link }), { msgtype: 'markdown', markdown: { title: 'Q3 [draft]', text: md } });
    assert.deepStrictEqual(woaAppContent({ text: 'hi', link }), { type: 1, body: 'hi\nQ3 [draft]: https://example.com/r?id=1' });
    assert.deepStrictEqual(woaAppContent({ text: 'hi' }), { type: 1, body: 'hi' });
  });

  it('robot links: a key goes into the service\'s webhook address; a full https URL is taken as it is', () => {
    assert.strictEqual(robotLink('woa', 'k1 x'), 'https://xz.wps.cn/api/v1/webhook/send?key=k1%20x');
    assert.strictEqual(robotLink('wecom', 'k2'), 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k2');
    assert.strictEqual(robotLink('dingtalk', 'k3'), 'https://oapi.dingtalk.com/robot/send?access_token=k3');
    assert.strictEqual(robotLink('wecom', ' https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=zz '), 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=zz');
    assert.throws(() => robotLink('slack', 'k'), /No chat robot/);
  });
});
