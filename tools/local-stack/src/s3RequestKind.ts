/** The S3 API operations the local stack tells apart, by the request that asks for them. */
export type S3RequestKind =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'DeleteObjects'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload';

/** What of an HTTP request decides its S3 operation. */
export interface S3RequestShape {
  readonly method: string;
  /** The path and query, as on the request line (`/bucket/key?uploads`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The S3 operation a path-style request asks for, or undefined when it is not an S3 request: SQS, SNS and STS
 * POST to `/` on the same port (fauxqs serves all of them), and fauxqs' own `/health` and `/_fauxqs/...`
 * pages. Decided as S3 itself routes: by method, by whether the path names a key, and by the query
 * (`uploads`, `uploadId`, `partNumber`, `list-type`, `delete`) and the `x-amz-copy-source` header.
 */
export function s3RequestKind(request: S3RequestShape): S3RequestKind | undefined {
  const { pathname, searchParams } = new URL(request.url, 'http://s3.local');
  const method = request.method.toUpperCase();
  if (pathname === '/health' || pathname.startsWith('/_fauxqs/')) return undefined;
  if (pathname === '/') return method === 'GET' ? 'ListBuckets' : undefined;
  const slash = pathname.indexOf('/', 1);
  const hasKey = slash !== -1 && slash < pathname.length - 1;
  if (!hasKey) return bucketKind(method, searchParams);
  switch (method) {
    case 'PUT':
      if (request.headers['x-amz-copy-source'] !== undefined) return 'CopyObject';
      return searchParams.has('uploadId') && searchParams.has('partNumber') ? 'UploadPart' : 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return searchParams.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'POST':
      if (searchParams.has('uploads')) return 'CreateMultipartUpload';
      return searchParams.has('uploadId') ? 'CompleteMultipartUpload' : 'DeleteObjects';
    default:
      return undefined;
  }
}

function bucketKind(method: string, query: URLSearchParams): S3RequestKind | undefined {
  switch (method) {
    case 'PUT':
      return 'CreateBucket';
    case 'HEAD':
      return 'HeadBucket';
    case 'GET':
      return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    case 'DELETE':
      return 'DeleteBucket';
    case 'POST':
      return query.has('delete') ? 'DeleteObjects' : undefined;
    default:
      return undefined;
  }
}

/**
 * The access key that signed a request (`AWS4-HMAC-SHA256 Credential=<key>/<date>/...`), or `unsigned`:
 * how the local stack tells the functions' requests (signed with the keys `functionEnv` gives them) from its
 * own.
 */
export function signingKeyOf(headers: S3RequestShape['headers']): string {
  const authorization = headers.authorization;
  const text = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /Credential=([^/,\s]+)\//.exec(text ?? '');
  return match?.[1] ?? 'unsigned';
}
