// The raw baseline of `npm run bench`: the least an HTTP transfer on this loopback costs. A minimal Node server in its
// own process (like the sandbox): PUT /up streams the body to a file, GET /down?file= streams a file back. Prints its
// port as one line, then serves until killed.
import { createReadStream, createWriteStream } from 'node:fs';
import * as http from 'node:http';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2];
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (req.method === 'PUT' && url.pathname === '/up') {
      await pipeline(req, createWriteStream(`${dir}/raw-received.bin`));
      res.end('{}');
    } else if (req.method === 'GET' && url.pathname === '/down') {
      res.setHeader('content-type', 'application/octet-stream');
      await pipeline(createReadStream(url.searchParams.get('file')), res);
    } else {
      res.statusCode = 404;
      res.end();
    }
  } catch {
    res.destroy();
  }
});
server.listen(0, '127.0.0.1', () => console.log(String(server.address().port)));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
