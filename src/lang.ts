/** The languages people are answered in: Chinese by default, English on request. */
export type Lang = 'zh' | 'en';
