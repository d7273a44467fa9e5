/** The operator's chosen language, persisted in localStorage; zh-CN unless they switched. */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const STORAGE_KEY = 'egov-noc.lang';

function initialLang(): Lang {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'zh-CN';
}

class Locale {
  current = $state<Lang>(initialLang());

  set(lang: Lang): void {
    this.current = lang;
    localStorage.setItem(STORAGE_KEY, lang);
    document.documentElement.lang = lang;
  }
}

export const locale = new Locale();
