import http from 'node:http';

/** GETs `path` from a local server and resolves to the whole body as text, once it has ended. */
export function getText(port: number, path = '/'): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (part: string) => (text += part));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}
