// Every word the widget says comes from the pack, in the customer's language: the frame's page
// carries them (data-texts). `{name}` placeholders are filled from `vars`.
export const TEXTS = (() => {
  try {
    return JSON.parse(document.body.dataset.texts || '{}');
  } catch {
    return {};
  }
})();

export function t(name, vars = {}) {
  return (TEXTS[name] || '').replace(/\{([a-z_]+)\}/g, (whole, v) => (v in vars ? String(vars[v]) : whole));
}
