/**
 * Functions the browser tests run inside the page (puppeteer serializes them), kept in plain
 * JavaScript because the project's TypeScript has no DOM types; in-page.d.ts gives their types.
 * Each is serialized alone: none may call another.
 */

/** The rendered text of each element matching `selector`, whitespace collapsed (cells apart by a space). */
export function textsOf(selector) {
  return [...document.querySelectorAll(selector)].map((el) =>
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text keeps table cells apart; SVG text has only textContent
    (el.innerText ?? el.textContent).replace(/\s+/g, ' ').trim(),
  );
}

/** Whether the first element matching `selector` contains `text`. */
export function hasText(selector, text) {
  return document.querySelector(selector)?.textContent?.includes(text) === true;
}

/** The `data-run` of each history row, comma-joined. */
export function historyIds() {
  return [...document.querySelectorAll('#history tbody tr')].map((r) => r.getAttribute('data-run')).join();
}

/** Whether the history shows exactly the runs `want` (comma-joined ids). */
export function historyIs(want) {
  return (
    [...document.querySelectorAll('#history tbody tr')].map((r) => r.getAttribute('data-run')).join() === want
  );
}

/** Each drawn peering: its id, state class, and the stroke color the browser paints. */
export function edgeStates() {
  return [...document.querySelectorAll('svg.topology g.edge')].map((g) => ({
    id: g.getAttribute('data-peering') ?? '',
    state: [...g.classList].find((c) => c !== 'edge') ?? '',
    stroke: getComputedStyle(g.querySelector('.line')).stroke,
  }));
}

/** Whether the SVG box of `inner` lies within the box of `outer`. */
export function isInside(inner, outer) {
  const a = document.querySelector(inner).getBBox();
  const b = document.querySelector(outer).getBBox();
  return a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
}

/** Pairs of topology labels whose rendered boxes intersect, and labels that spill out of their box. */
export function labelProblems() {
  const problems = [];
  const labels = [...document.querySelectorAll('svg.topology text')].map((el) => ({ el, box: el.getBBox() }));
  const hit = (a, b) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      if (hit(labels[i].box, labels[j].box))
        problems.push(`"${labels[i].el.textContent}" overlaps "${labels[j].el.textContent}"`);
    }
  }
  for (const { el, box } of labels) {
    const row = el.closest('g.install, g.datacenter')?.querySelector('rect')?.getBBox();
    if (row === undefined) continue;
    const within =
      box.x >= row.x &&
      box.y >= row.y &&
      box.x + box.width <= row.x + row.width &&
      box.y + box.height <= row.y + row.height;
    if (!within) problems.push(`"${el.textContent}" spills out of its box`);
  }
  return problems;
}

/** Scrolls the element with `id` to the top of the window and returns the scroll position. */
export function scrollToId(id) {
  document.getElementById(id)?.scrollIntoView();
  return window.scrollY;
}

/** The window's scroll position. */
export function scrollPosition() {
  return window.scrollY;
}

/** The `data-key` of the focused element. */
export function focusedKey() {
  return document.activeElement?.getAttribute('data-key') ?? '';
}

/** The `value`, `href` or `hidden` property of the first element matching `selector`. */
export function propertyOf(selector, name) {
  return document.querySelector(selector)?.[name];
}

/** Whether the page fits the window's width (no horizontal scrolling). */
export function fitsWidth() {
  return document.documentElement.scrollWidth <= window.innerWidth;
}

/** The whole document as markup, to look for leaked secrets. */
export function documentMarkup() {
  return document.documentElement.outerHTML;
}

/** The text of the first element matching `selector` as written (no CSS text-transform), whitespace collapsed. */
export function textContentOf(selector) {
  return (document.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The id of the focused element. */
export function focusedId() {
  return document.activeElement?.id ?? '';
}

/** Marks the loaded document, so a test can tell a switch in place from a reload. */
export function markDocument() {
  window.meshpeerTestMark = true;
}

/** Whether the document is still the one `markDocument` marked. */
export function isMarked() {
  return window.meshpeerTestMark === true;
}

/** Goes one entry back in the tab's history, as the Back button does. */
export function goBack() {
  history.back();
}

/** Whether the first element matching `selector` takes up room on the page (not hidden by any rule). */
export function isDisplayed(selector) {
  const el = document.querySelector(selector);
  return el !== null && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
}
