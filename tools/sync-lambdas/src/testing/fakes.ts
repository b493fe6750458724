// The local stand-ins the end-to-end tests deploy against, exported so other tools (the benchmarks) can run
// the real deploy code against them too. They listen on 127.0.0.1 only.
export { answerNull, fakeCredentials, fakeFunction, startFakeAws } from '../../tests/fakeAws.js';
export type { FakeAws, FakeCode, FakeFunction, FakeInvocation, FakeInvoker } from '../../tests/fakeAws.js';
export { startFakeGithubOidc } from '../../tests/fakeGithubOidc.js';
export type { FakeGithubOidc } from '../../tests/fakeGithubOidc.js';
export { runZipOnce } from '../../tests/runZipOnce.js';
export type { ZipAnswer } from '../../tests/runZipOnce.js';
export { codeSha256 } from '../codeSha256.js';
