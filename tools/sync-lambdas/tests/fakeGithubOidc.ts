import { listen, type LocalServer } from './listen.js';

/** Stands in for the Actions runner's token endpoint; records what it was asked. */
export interface FakeGithubOidc extends LocalServer {
  requestUrl: string;
  requests: { path: string; audience: string | null; authorization: string | undefined }[];
}

/** Answers `{"value": token}` to a request bearing `requestToken`, 401 otherwise (or `status` if given). */
export async function startFakeGithubOidc(
  requestToken: string,
  token: string,
  status = 200,
): Promise<FakeGithubOidc> {
  const requests: FakeGithubOidc['requests'] = [];
  const server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({
      path: url.pathname,
      audience: url.searchParams.get('audience'),
      authorization: req.headers.authorization,
    });
    const authorized = req.headers.authorization === `Bearer ${requestToken}`;
    res.writeHead(authorized ? status : 401, { 'content-type': 'application/json' });
    res.end(authorized && status === 200 ? JSON.stringify({ count: 1, value: token }) : '{"message":"no"}');
  });
  // The runner's URL already carries a query string; the client must append `audience` to it.
  return { ...server, requestUrl: `${server.url}/_apis/distributedtask/token?api-version=2.0`, requests };
}
