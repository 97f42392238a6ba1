/**
 * A small, strict XML reader for the arXiv Atom feed — written here rather than adding a dependency, because
 * that feed uses only elements, attributes, text, the five predefined entities and numeric character
 * references. It builds a tree; it does not resolve namespaces (arXiv always uses the same prefixes, so
 * names are matched as written, e.g. "arxiv:doi"). A DOCTYPE is refused outright, which also rules out
 * entity-expansion attacks. Malformed input throws XmlError with the offset.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: Array<XmlElement | string>;
}

export class XmlError extends Error {
  override readonly name = "XmlError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
// Sticky patterns matched at an offset, so the reader never copies the rest of the document.
const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;

function matchAt(pattern: RegExp, text: string, offset: number): RegExpExecArray | null {
  pattern.lastIndex = offset;
  return pattern.exec(text);
}

function decodeEntities(text: string, offset: number): string {
  return text.replace(/&([^;&\s]*);?/g, (match, body: string) => {
    if (!match.endsWith(";")) throw new XmlError(`unterminated entity "${match}"`, offset);
    if (body.startsWith("#")) {
      const code = body[1] === "x" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff)
        throw new XmlError(`bad character reference "${match}"`, offset);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[body];
    if (value === undefined) throw new XmlError(`unknown entity "${match}"`, offset);
    return value;
  });
}

/** Parse a whole document and return its root element. */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const skipPast = (terminator: string, what: string): void => {
    const end = text.indexOf(terminator, pos);
    if (end === -1) throw new XmlError(`unterminated ${what}`, pos);
    pos = end + terminator.length;
  };
  const addText = (value: string): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(value);
    else if (value.trim() !== "") throw new XmlError("text outside the root element", pos);
  };

  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    if (lt !== pos) {
      const end = lt === -1 ? text.length : lt;
      addText(decodeEntities(text.slice(pos, end), pos));
      pos = end;
      continue;
    }
    if (text.startsWith("<?", pos)) skipPast("?>", "processing instruction");
    else if (text.startsWith("<!--", pos)) skipPast("-->", "comment");
    else if (text.startsWith("<![CDATA[", pos)) {
      const start = pos + 9;
      skipPast("]]>", "CDATA section");
      addText(text.slice(start, pos - 3));
    } else if (text.startsWith("<!", pos)) {
      throw new XmlError("DOCTYPE and other declarations are not supported", pos);
    } else if (text.startsWith("</", pos)) {
      const name = matchAt(NAME, text, pos + 2)?.[0];
      const open = stack.pop();
      if (!name || !open || open.name !== name) throw new XmlError(`unexpected closing tag </${name ?? ""}>`, pos);
      pos += 2 + name.length;
      const close = matchAt(TAG_END, text, pos);
      if (!close || close[1] === "/") throw new XmlError(`malformed closing tag </${name}>`, pos);
      pos += close[0].length;
    } else {
      const name = matchAt(NAME, text, pos + 1)?.[0];
      if (!name) throw new XmlError("malformed start tag", pos);
      if (stack.length === 0 && root !== null) throw new XmlError("a second root element", pos);
      const element: XmlElement = { name, attributes: {}, children: [] };
      pos += 1 + name.length;
      for (let attribute = matchAt(ATTRIBUTE, text, pos); attribute; attribute = matchAt(ATTRIBUTE, text, pos)) {
        element.attributes[attribute[1]!] = decodeEntities(attribute[2] ?? attribute[3] ?? "", pos);
        pos += attribute[0].length;
      }
      const end = matchAt(TAG_END, text, pos);
      if (!end) throw new XmlError(`malformed start tag <${name}>`, pos);
      pos += end[0].length;
      stack[stack.length - 1]?.children.push(element);
      if (stack.length === 0) root = element;
      if (end[1] !== "/") stack.push(element);
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed element <${stack[stack.length - 1]!.name}>`, pos);
  if (!root) throw new XmlError("no root element", pos);
  return root;
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== "string" && child.name === name);
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return childElements(element, name)[0];
}

/** All text below `element`, with runs of whitespace (arXiv wraps titles and abstracts) collapsed. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return "";
  const parts: string[] = [];
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (typeof child === "string") parts.push(child);
      else walk(child);
    }
  };
  walk(element);
  return parts.join("").replace(/\s+/g, " ").trim();
}
