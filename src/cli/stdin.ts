/** All of stdin as bytes (a payload given as `-`: decoded by the strict UTF-8 rule, see decodeUtf8). */
export async function readStdinBytes(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** All of stdin as UTF-8 text (a query file given as `-`, read as a query file is). */
export async function readStdin(): Promise<string> {
  return (await readStdinBytes()).toString('utf8');
}
