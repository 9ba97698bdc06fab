/**
 * What the rest of the code needs from a log. The extension passes VS Code's LogOutputChannel
 * (which has exactly these methods); tests pass an array-backed logger.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
