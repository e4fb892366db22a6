/**
 * Control characters (C0 and DEL, NUL above all) in text people type or
 * import. They are invisible, so two names that look alike would differ; a
 * NUL cuts a string short in C code, logs and exports. Names and commands
 * refuse them; tab and line breaks are white space, not controls here.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** True when `text` holds a control character other than tab, line feed or carriage return. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** `text` without its control characters (for a name a platform supplies, which cannot be refused). */
export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROLS, '');
}
