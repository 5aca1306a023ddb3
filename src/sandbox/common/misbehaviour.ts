import type { Misbehaviour as FailHow } from './types';

/**
 * Injected faults (control.failNext / dropNextRequests / malformNext / dropNextParts / setLatency).
 * A rule without `pathIncludes` matches API and upload-server requests only (not downloads, pages or /__sandbox);
 * with it, any non-control path containing the substring.
 */
interface Rule {
  remaining: number;
  pathIncludes?: string;
  status?: number;
  retryAfterSec?: number;
}

export class Faults {
  private fail: Rule[] = [];
  private drop: Rule[] = [];
  private malform: Rule[] = [];
  dropParts = 0;
  latencyMs = 0;

  failNext(count: number, how: FailHow): void {
    if (count > 0) this.fail.push({ remaining: count, ...how });
  }
  dropNext(count: number, pathIncludes?: string): void {
    if (count > 0) this.drop.push({ remaining: count, pathIncludes });
  }
  malformNext(count: number, pathIncludes?: string): void {
    if (count > 0) this.malform.push({ remaining: count, pathIncludes });
  }
  reset(): void {
    this.fail = [];
    this.drop = [];
    this.malform = [];
    this.dropParts = 0;
    this.latencyMs = 0;
  }

  takeFail(path: string, isApi: boolean): Rule | undefined {
    return take(this.fail, path, isApi);
  }
  takeDrop(path: string, isApi: boolean): boolean {
    return take(this.drop, path, isApi) !== undefined;
  }
  takeMalform(path: string, isApi: boolean): boolean {
    return take(this.malform, path, isApi) !== undefined;
  }
  takeDropPart(): boolean {
    if (this.dropParts <= 0) return false;
    this.dropParts--;
    return true;
  }
}

function take(rules: Rule[], path: string, isApi: boolean): Rule | undefined {
  const i = rules.findIndex((r) => (r.pathIncludes !== undefined ? path.includes(r.pathIncludes) : isApi));
  if (i < 0) return undefined;
  const rule = rules[i];
  if (--rule.remaining <= 0) rules.splice(i, 1);
  return rule;
}
