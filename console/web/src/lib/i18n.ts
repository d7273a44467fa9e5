/**
 * Every string the operator reads. zh-CN is the product's language; English is the second.
 * Keys are typed from the zh-CN table (messages-zh-cn.ts), so a missing translation is a type error.
 */
import { locale, type Lang } from './locale.svelte';
import { en } from './messages-en';
import { identityEn } from './messages-identity-en';
import { identityZh } from './messages-identity-zh-cn';
import { zh as baseZh, type MessageKey as BaseKey } from './messages-zh-cn';

export type MessageKey = BaseKey | keyof typeof identityZh;

const zh: Record<MessageKey, string> = { ...baseZh, ...identityZh };
const tables: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en: { ...en, ...identityEn } };

/** Translate a key into the current language, filling {placeholders}. Reactive inside components. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = tables[locale.current][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Translate a key built from data (a severity, a zone…); unknown values fall back to the raw text. */
export function tOr(key: string, fallback: string, params: Record<string, string | number> = {}): string {
  return key in zh ? t(key as MessageKey, params) : fallback;
}
