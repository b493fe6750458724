/** The naive design has no retry path: its recheck does nothing (the next gap-finding run asks again). */
export async function handler(): Promise<{ retried: number }> {
  return { retried: 0 };
}
