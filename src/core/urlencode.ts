/** URL encoding shared by the vendor clients and multipart bodies. */

/** RFC 3986 percent-encoding: like encodeURIComponent, plus ! ' ( ) * (space is %20, never '+'). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export type QueryValue = string | number | boolean | string[] | undefined;

/** `?a=1&b=x&b=y` (undefined/'' dropped, arrays repeated), or '' when empty. */
export function queryString(q: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === '') continue;
      parts.push(`${rfc3986(k)}=${rfc3986(String(item))}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
