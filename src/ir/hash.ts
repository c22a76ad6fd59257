import { createHash } from 'node:crypto';
import { modelToJson } from './json.js';
import type { Model } from './model.js';

export function hashText(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A model's identity: the SHA-256 of its stable JSON form. */
export function modelHash(model: Model): string {
  return hashText(modelToJson(model));
}
