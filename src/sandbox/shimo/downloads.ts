import { bufferBlob } from '../common/blob';
import { blobDownload, type Reply } from '../common/http';
import { TemporaryUrls } from '../common/urls';
import { serr } from './errors';
import { MIME } from './office';

/**
 * Download URLs of export results (data.downloadUrl, the table export's downloadUrl): `${host}/dl/<token>?e=&s=`,
 * signed and expiring (common/urls.ts). The reference: results are cached 5 minutes by default, so a URL lives 5
 * minutes from the moment it is handed out (control.setDownloadUrlTtl changes it, control.expireDownloadUrls ends all
 * URLs handed out so far). No signature or token is needed to GET one (a pre-signed URL, like the vendor's). An expired
 * or tampered URL answers 403 40303, an unknown one 404 40405. The file name (Content-Disposition) is the file's title
 * with the format's extension; Content-Type the format's type; Range requests are honoured.
 */
export class Downloads {
  readonly urls: TemporaryUrls;
  private readonly blobs = new Map<string, Buffer>();

  constructor(host: string) {
    this.urls = new TemporaryUrls(host, { notFound: () => serr.link(), expired: () => serr.linkExpired() });
    this.urls.downloadTtlMs = 5 * 60 * 1000;
  }

  url(data: Buffer, filename: string): string {
    const blob = bufferBlob(data);
    this.blobs.set(blob.sha1, data);
    return this.urls.download({ filehash: blob.sha1, filename, open: false });
  }

  serve(token: string, query: Record<string, string>, range: string | undefined): Reply {
    const target = this.urls.resolveDownload(token, query);
    const data = this.blobs.get(target.filehash);
    if (!data) throw serr.link();
    const reply = blobDownload(bufferBlob(data), target.filename, target.open, target.filehash, range, serr.bad('range not satisfiable').body());
    const ext = /\.([^.]+)$/.exec(target.filename)?.[1] ?? '';
    if (reply.headers && MIME[ext]) reply.headers['Content-Type'] = MIME[ext];
    return reply;
  }
}
