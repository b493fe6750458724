/** Messages between the local stack (parent) and a lambda host (child) over Node's IPC channel. */
export type HostRequest = {
  readonly type: 'invoke';
  readonly id: number;
  readonly requestId: string;
  readonly event: unknown;
  /** Epoch milliseconds at which the invocation times out (the context's remaining time counts to it). */
  readonly deadline: number;
};

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type HostReply =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
