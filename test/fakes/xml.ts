/**
 * A strict, small XML reader for tests: refuses what an XML parser refuses (unbalanced or crossed tags, an
 * unquoted or repeated attribute, a raw `<` or `&` in text or an attribute, an unknown entity, text or a second
 * element outside the root) and answers the element tree.
 */
export type XmlNode = { name: string; attrs: Record<string, string>; children: XmlNode[]; text: string };

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const decode = (s: string, where: string) => {
  if (/[<]/.test(s) || /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s))
    throw new Error(`not well-formed: raw < or & in ${where}: ${s.slice(0, 60)}`);
  return s.replace(ENTITY, (_m, e: string) =>
    e === 'amp'
      ? '&'
      : e === 'lt'
        ? '<'
        : e === 'gt'
          ? '>'
          : e === 'quot'
            ? '"'
            : e === 'apos'
              ? "'"
              : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
};

export function parseXml(src: string): XmlNode {
  let i = 0;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  const NAME = /^[A-Za-z_][\w.-]*(?::[\w.-]+)?/;
  src = src.replace(/^\uFEFF/, '');
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  while (i < src.length) {
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (src[i] === '<') {
      const end = src.indexOf('>', i);
      if (end < 0) throw new Error('unterminated tag');
      // a '>' inside a quoted attribute value: find the real end
      let j = i + 1;
      let quote: string | null = null;
      for (; j < src.length; j++) {
        const ch = src[j];
        if (quote) {
          if (ch === quote) quote = null;
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
      }
      const tag = src.slice(i + 1, j);
      i = j + 1;
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim();
        const open = stack.pop();
        if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const name = NAME.exec(body)?.[0];
      if (!name) throw new Error(`bad tag <${tag.slice(0, 40)}>`);
      const node: XmlNode = { name, attrs: {}, children: [], text: '' };
      let rest = body.slice(name.length);
      const ATTR = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/;
      for (let m = ATTR.exec(rest); m; m = ATTR.exec(rest)) {
        if (m[1]! in node.attrs) throw new Error(`repeated attribute ${m[1]}`);
        node.attrs[m[1]!] = decode(m[3] ?? m[4] ?? '', `attribute ${m[1]}`);
        rest = rest.slice(m[0].length);
      }
      if (rest.trim() !== '') throw new Error(`bad attributes in <${name}>: ${rest.slice(0, 40)}`);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else if (root) throw new Error('a second root element');
      else root = node;
      if (!selfClosing) stack.push(node);
      continue;
    }
    const next = src.indexOf('<', i);
    const text = src.slice(i, next < 0 ? src.length : next);
    i = next < 0 ? src.length : next;
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text, `<${top.name}>`);
    else if (text.trim() !== '') throw new Error('text outside the root element');
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every descendant element with this name. */
export function findAll(n: XmlNode, name: string): XmlNode[] {
  return n.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
