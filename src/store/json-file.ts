import { parseJsonText, readTextFile } from '../ir/json.js';

/**
 * Reads and parses a JSON file tensorsmith was given; a byte-order mark is accepted (editors on
 * Windows write one). A missing file, a folder, an unreadable, empty or malformed file each give a
 * one-line UserError naming the file. Every store reader starts here, then checks the fields.
 */
export function readJsonFile(file: string): unknown {
  return parseJsonText(readTextFile(file), file);
}
