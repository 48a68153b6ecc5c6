// The closed set of root causes (tandem_core::root_cause::RootCause, docs/root-causes.md) as the
// staff pages name them: the inbox's root-cause panel and the insights page share these words.

/** Every cause, in the server's order. */
export const CAUSES = ['documentation', 'product_promise', 'sales_advice', 'technical_defect', 'process', 'other'];

const NAMES = {
  documentation: 'Documentation',
  product_promise: 'Product promise',
  sales_advice: 'Sales advice',
  technical_defect: 'Technical defect',
  process: 'Process',
  other: 'Other',
};

/** A cause's name for people ("Technical defect"); an unknown one spelled out as sent. */
export const causeName = (cause) => NAMES[cause] || String(cause || '').replace(/_/g, ' ');

/** A whole number for display; anything that is not a finite number shows as "—". */
export const count = (n) => (typeof n === 'number' && Number.isFinite(n) ? String(Math.round(n)) : '—');

/** The objects of a list (anything else: none), so a missing or odd field shows nothing. */
export const objects = (x) => (Array.isArray(x) ? x.filter((i) => i && typeof i === 'object') : []);
