// The local stand-ins the end-to-end tests deploy against, exported so other tools (the benchmarks) can run
// the real deploy code against them too. They listen on 127.0.0.1 only.
export { fakeCredentials, startFakeAws } from '../../tests/fakeAws.js';
export type { FakeAws } from '../../tests/fakeAws.js';
export { startFakeGithubOidc } from '../../tests/fakeGithubOidc.js';
export type { FakeGithubOidc } from '../../tests/fakeGithubOidc.js';
export { codeSha256 } from '../codeSha256.js';
