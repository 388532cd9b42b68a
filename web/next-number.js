// <next-number>: a run of The Very Next Number in a blog post, from one script tag.
//
//   <script type="module" src="https://example.org/nextnumber/next-number.js"></script>
//   <next-number scenario="fire-at-the-main-office"></next-number>
//   <next-number src="#nextnumber/1;seed_7;branches_5;@0_timeout_A;run_5000;end"></next-number>
//
// How it shows the run, and why: the element is the page's compact embed (`?embed=1`, the
// same files as a visit) in an iframe inside the element's shadow root, as wide as the
// element's container and as tall as the page in it says it is (the page's "height message":
// crates/web/src/share.rs, use_post_height). The real app is not mounted into the shadow
// root itself, because it owns a whole window: the address always holds the run (it writes
// the URL with history.pushState and follows popstate: in a host page it would rewrite the
// post's address), it looks its parts up with document.getElementById (which does not see
// into a shadow root), its stylesheet styles :root and body, and its Content-Security-Policy
// is its own. A frame gives it a window of its own, so nothing of it can touch the post.
//
// It must not break the host page, so:
// - its styles live in the shadow root (a constructed stylesheet: no <style> element, so a
//   post's strict CSP need not allow inline styles), and the post's styles cannot reach in;
// - it adds no globals: this module defines the element once and keeps the rest to itself;
//   each element listens for its own frame's messages only while it is in the document;
// - `scenario="NAME"` (one of the essay's scenarios) is turned into its link by the JS package
//   beside this script (pkg/nextnumber_core.js: `narratedScenarios`, `encodeLink`), loaded
//   only then, and once for all elements: the core's one list and one link format, not a copy
//   here. `src="#nextnumber/1;…;end"` (a run's link, from the page's "Copy link") needs
//   nothing but the frame.
// The page this script sits beside is the one framed (`./?embed=1#…`).

const PAGE = new URL("./", import.meta.url);
const PACKAGE = new URL("pkg/nextnumber_core.js", import.meta.url);
const MAX_HEIGHT_PX = 20000;
const TITLE = "The Very Next Number";

const CSS = `
:host { display: block; width: 100%; min-width: 0; margin: 1em 0; }
:host([hidden]) { display: none; }
iframe { display: block; box-sizing: border-box; width: 100%; height: 560px; margin: 0; padding: 0;
  border: 1px solid #8884; border-radius: 10px; background: Canvas; color-scheme: light dark; }
p { margin: 0; padding: 0.75em 1em; border: 1px solid #c33; border-radius: 10px;
  font: 15px/1.5 system-ui, sans-serif; color: CanvasText; background: Canvas; }
code { font-family: ui-monospace, monospace; }
`;

let sheet;
const styles = () => {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
};

// The essay's scenarios by name, `{ link, title }`, from the JS package, loaded once.
let essays;
const essayLinks = () =>
  (essays ??= import(PACKAGE.href).then(async (pkg) => {
    await pkg.default();
    return new Map(pkg.narratedScenarios().map((s) => [s.name, { link: pkg.encodeLink(s.text), title: s.title }]));
  }));

class NextNumber extends HTMLElement {
  static observedAttributes = ["scenario", "src"];

  #root = this.attachShadow({ mode: "open" });
  #frame = null;
  #shown = 0; // Which render is current: a slow package load must not overwrite a later one.
  #onMessage = (e) => this.#heard(e);

  constructor() {
    super();
    this.#root.adoptedStyleSheets = [styles()];
  }

  connectedCallback() {
    addEventListener("message", this.#onMessage);
    this.#render();
  }

  disconnectedCallback() {
    removeEventListener("message", this.#onMessage);
  }

  attributeChangedCallback(_name, before, after) {
    if (before !== after && this.isConnected) this.#render();
  }

  async #render() {
    const shown = ++this.#shown;
    let found;
    try {
      found = await this.#link();
    } catch (e) {
      found = { error: `The run could not be loaded: ${e.message}` };
    }
    if (shown !== this.#shown) return;
    if (found.error) {
      this.#show(Object.assign(document.createElement("p"), { role: "alert", textContent: found.error }));
      return;
    }
    const frame = document.createElement("iframe");
    frame.src = `${PAGE.href}?embed=1#${found.link}`;
    frame.title = found.title ? `${TITLE}: ${found.title}` : `${TITLE}: a replicated counter you can break`;
    frame.loading = "lazy";
    this.#show(frame);
    this.#frame = frame;
  }

  #show(node) {
    this.#frame = null;
    this.#root.replaceChildren(node);
  }

  // The run's link (the part after `#`) and its title, or an error to show.
  async #link() {
    const src = this.getAttribute("src");
    const name = this.getAttribute("scenario");
    if (src !== null) {
      const link = src.trim().replace(/^[^#]*#/, "");
      if (!link.startsWith("nextnumber/")) {
        return { error: `src="${src}" is not a run's link: it should look like #nextnumber/1;…;end (the page's "Copy link").` };
      }
      return { link };
    }
    if (name === null) {
      return { error: 'Say which run to show: scenario="fire-at-the-main-office" or src="#nextnumber/1;…;end".' };
    }
    const known = await essayLinks();
    const essay = known.get(name.trim());
    if (!essay) {
      return { error: `There is no scenario "${name}". The scenarios are: ${[...known.keys()].join(", ")}.` };
    }
    return essay;
  }

  // The page in the frame says how tall it is; the frame takes that height and says so back,
  // after which the page takes the height its width gives it (crates/web/src/share.rs).
  #heard(e) {
    const frame = this.#frame;
    const said = e.data;
    if (!frame || e.source !== frame.contentWindow || e.origin !== PAGE.origin) return;
    if (!said || said.nextnumber !== "height" || !(said.height > 0)) return;
    frame.style.height = `${Math.min(Math.ceil(said.height) + 2, MAX_HEIGHT_PX)}px`;
    e.source.postMessage({ nextnumber: "fitted" }, e.origin);
  }
}

if (!customElements.get("next-number")) customElements.define("next-number", NextNumber);
