/**
 * The names and sizes in a zip's central directory (a .vsix is a zip), so the bench can say
 * what the package ships without depending on an unzip binary. No zip64: a .vsix that needs it
 * is far beyond any size target anyway.
 */
export interface ZipEntry {
  readonly name: string;
  /** Uncompressed bytes. */
  readonly size: number;
  readonly compressedSize: number;
}

const endOfCentralDirectory = 0x06054b50;
const centralFileHeader = 0x02014b50;

export function zipEntries(zip: Buffer): ZipEntry[] {
  let end = -1;
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === endOfCentralDirectory) {
      end = i;
      break;
    }
  }
  if (end < 0) {
    throw new Error('not a zip file (no end of central directory)');
  }
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== centralFileHeader) {
      throw new Error(`bad central directory entry ${i}`);
    }
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size, compressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
