import { KdError, kerr } from './errors';
import { requiredStr, str, type Ctx, type RouteDef } from './router';

/**
 * Notifications (access_token auth, any scope; vendor pages "金山协作", "金山协作应用消息", "企业微信", "钉钉"):
 *
 *   POST /notification/woa       {link, sk?, data: [message...]}   WOA (金山协作) group robot,  link https://xz.wps.cn/api/v1/webhook/send?key=...
 *   POST /notification/wecom     {link, sk?, data: [message...]}   WeCom group robot,         link https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...
 *   POST /notification/dingtalk  {link, sk?, data: [message...]}   DingTalk group robot,      link https://oapi.dingtalk.com/robot/send?access_token=...
 *   POST /notification/woa/app   {woa_app_id, woa_secret_key, email, content: {type, body, ...}}   WOA app message to one user
 *   -> {} ; errors {code, msg, hint} (the pages name `msg` and `hint`)
 *
 * The sandbox sends nothing anywhere: every accepted message is recorded (control.notifications: kind, destination,
 * key, signed, message, at) for tests. Choices where the pages are silent:
 * - The woa page is not public; its body is taken to be that of wecom/dingtalk (`link`, `sk`, `data`). Everywhere
 *   `data` may also be one message object instead of a list, and a body without `data` but with `msgtype` is one
 *   message.
 * - `link` must be the robot address of its service (host, path and key parameter as above): 400 40000 otherwise.
 * - Keys: any non-empty key is accepted until control.registerWebhook(kind, key, secret?) registers one for that
 *   service; from then on only registered keys are (another answers 400 40010 "webhook key rejected"), and a key
 *   registered with a secret needs `sk` equal to it (400 40011 "signature rejected"). WOA apps likewise with
 *   control.registerWoaApp (400 40012 on a wrong app id or secret key).
 * - Messages are checked like the robots check them: a known `msgtype` and its content field (woa text.content /
 *   markdown.text, at most 5000 characters; wecom text.content / markdown.content; dingtalk text.content /
 *   markdown.title+text / link.title+text+messageUrl); woa/app needs an e-mail address and a `content` object.
 * - Webhook keys and secrets are secrets: they travel in the JSON body only, and the request log keeps method, path
 *   and status, never bodies or queries.
 */

export type NotificationKind = 'woa' | 'woa_app' | 'wecom' | 'dingtalk';
export type WebhookKind = Exclude<NotificationKind, 'woa_app'>;

export interface SentNotification {
  kind: NotificationKind;
  /** Robot address without its key (`https://xz.wps.cn/api/v1/webhook/send`), or the e-mail address (woa_app). */
  destination: string;
  /** The robot key (`key` / `access_token` of the link), or the WOA app id. */
  key: string;
  /** True when a signing secret (`sk`) was sent. */
  signed: boolean;
  message: unknown;
  /** Unix ms. */
  at: number;
}

const ROBOTS: Record<WebhookKind, { host: string; path: string; param: string; types: string[] }> = {
  woa: { host: 'xz.wps.cn', path: '/api/v1/webhook/send', param: 'key', types: ['text', 'markdown', 'card'] },
  wecom: { host: 'qyapi.weixin.qq.com', path: '/cgi-bin/webhook/send', param: 'key', types: ['text', 'markdown', 'markdown_v2', 'image', 'news', 'file', 'voice', 'template_card'] },
  dingtalk: { host: 'oapi.dingtalk.com', path: '/robot/send', param: 'access_token', types: ['text', 'link', 'markdown', 'actionCard', 'feedCard'] },
};

function refuse(code: number, msg: string, hint: string): KdError {
  return new KdError(400, code, msg, {}, hint);
}

export class Notifications {
  /** Accepted messages, oldest first, the newest 1000 (control.notifications). */
  readonly sent: SentNotification[] = [];
  private readonly webhooks = new Map<WebhookKind, Map<string, string | undefined>>();
  private readonly woaApps = new Map<string, string>();

  registerWebhook(kind: WebhookKind, key: string, secret?: string): void {
    if (!ROBOTS[kind]) throw new Error(`unknown webhook kind ${kind}`);
    if (!key) throw new Error('a webhook key must not be empty');
    let keys = this.webhooks.get(kind);
    if (!keys) this.webhooks.set(kind, (keys = new Map()));
    keys.set(key, secret);
  }

  registerWoaApp(appId: string, secretKey: string): void {
    this.woaApps.set(appId, secretKey);
  }

  clear(): void {
    this.sent.length = 0;
  }

  webhook(kind: WebhookKind, c: Ctx): Record<string, never> {
    const robot = ROBOTS[kind];
    const link = str(c, 'link') ?? str(c, 'url') ?? str(c, 'webhook');
    if (!link) throw kerr.param('link is required');
    let u: URL;
    try {
      u = new URL(link);
    } catch {
      throw kerr.param('link must be an absolute URL');
    }
    const key = u.searchParams.get(robot.param) ?? '';
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.hostname !== robot.host || u.pathname !== robot.path || key === '') {
      throw kerr.param(`link is not a ${kind} robot address (https://${robot.host}${robot.path}?${robot.param}=...)`);
    }
    const sk = str(c, 'sk');
    const registered = this.webhooks.get(kind);
    if (registered && registered.size > 0) {
      if (!registered.has(key)) throw refuse(40010, 'webhook key rejected', `the ${kind} robot does not know this key: check the robot address`);
      const secret = registered.get(key);
      if (secret !== undefined && sk !== secret) throw refuse(40011, 'signature rejected', 'the robot requires signing: pass its secret as sk');
    }
    const raw = c.body.data ?? (c.body.msgtype !== undefined ? Object.fromEntries(Object.entries(c.body).filter(([k]) => !['link', 'url', 'webhook', 'sk'].includes(k))) : undefined);
    const messages = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
    if (messages.length === 0) throw kerr.param('data must hold at least one message');
    messages.forEach((m, i) => checkMessage(kind, m, i));
    const at = Date.now();
    for (const message of messages) this.record({ kind, destination: `${u.origin}${u.pathname}`, key, signed: !!sk, message, at });
    return {};
  }

  woaApp(c: Ctx): Record<string, never> {
    const appId = requiredStr(c, 'woa_app_id');
    const secret = requiredStr(c, 'woa_secret_key');
    const email = requiredStr(c, 'email');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw kerr.param('email must be an e-mail address');
    const content = c.body.content;
    if (!content || typeof content !== 'object' || Array.isArray(content)) throw kerr.param('content must be an object (the WOA app message)');
    if (this.woaApps.size > 0 && this.woaApps.get(appId) !== secret) throw refuse(40012, 'woa app rejected', 'check woa_app_id and woa_secret_key');
    this.record({ kind: 'woa_app', destination: email, key: appId, signed: false, message: content, at: Date.now() });
    return {};
  }

  /** Keeps the newest 1000 messages. */
  private record(n: SentNotification): void {
    this.sent.push(n);
    if (this.sent.length > 1000) this.sent.splice(0, this.sent.length - 1000);
  }
}

function checkMessage(kind: WebhookKind, m: unknown, i: number): void {
  const where = `data[${i}]`;
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw kerr.param(`${where} must be a message object`);
  const msg = m as Record<string, unknown>;
  const type = msg.msgtype;
  if (typeof type !== 'string' || !ROBOTS[kind].types.includes(type)) throw kerr.param(`${where}.msgtype must be one of ${ROBOTS[kind].types.join(', ')}`);
  const body = msg[type];
  if (!body || typeof body !== 'object') throw kerr.param(`${where}.${type} is required`);
  const b = body as Record<string, unknown>;
  const need = (...fields: string[]) => {
    for (const f of fields) if (typeof b[f] !== 'string' || b[f] === '') throw kerr.param(`${where}.${type}.${f} is required`);
  };
  if (kind === 'woa') {
    if (type === 'text') need('content');
    if (type === 'markdown') need('text');
    const text = String(b.content ?? b.text ?? '');
    if ([...text].length > 5000) throw kerr.param(`${where}: a message holds at most 5000 characters`);
  } else if (kind === 'wecom') {
    if (type === 'text' || type === 'markdown' || type === 'markdown_v2') need('content');
  } else {
    if (type === 'text') need('content');
    if (type === 'markdown') need('title', 'text');
    if (type === 'link') need('title', 'text', 'messageUrl');
  }
}

export function notificationRoutes(n: Notifications): RouteDef[] {
  const t = (path: string, handle: (c: Ctx) => unknown): RouteDef => ({ method: 'POST', path, auth: 'token', handle });
  return [
    t('/notification/woa', (c) => n.webhook('woa', c)),
    t('/notification/woa/app', (c) => n.woaApp(c)),
    t('/notification/wecom', (c) => n.webhook('wecom', c)),
    t('/notification/dingtalk', (c) => n.webhook('dingtalk', c)),
  ];
}
