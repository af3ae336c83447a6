/**
 * Numbers every <Figure> in an MDX page in document order by adding a `number` attribute,
 * so captions read "Figure 3" without anyone counting by hand.
 */
interface Node {
  type: string;
  name?: string | null;
  attributes?: { type: string; name: string; value: unknown }[];
  children?: Node[];
}

export function remarkFigureNumbers() {
  return (tree: Node) => {
    let n = 0;
    const walk = (node: Node) => {
      if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'Figure') {
        n += 1;
        node.attributes = (node.attributes ?? []).filter((a) => a.name !== 'number');
        node.attributes.push({ type: 'mdxJsxAttribute', name: 'number', value: String(n) });
      }
      node.children?.forEach(walk);
    };
    walk(tree);
  };
}
