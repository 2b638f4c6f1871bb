// The topology picture: workers (grouped by engine node once there are several) → their functions → the trigger
// types their triggers are bound to; a parked trigger's edge is dashed. Drawn by hand as SVG.

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 30;
const BOX_H = 22;
const COLUMNS = [{x: 10, w: 190}, {x: 290, w: 230}, {x: 610, w: 200}];
const WIDTH = 820;

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function clip(text, width) {
  const max = Math.floor(width / 7);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * @param view {workers: [{id, label, node}], functions: [{id, owner}], types: [{id}],
 *              bindings: [{function, type, parked}]}
 */
export function drawTopology(container, view) {
  const columns = [view.workers, view.functions, view.types];
  const rows = Math.max(1, ...columns.map(column => column.length));
  const height = rows * ROW + 34;
  const svg = element('svg', {viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img',
    'aria-label': 'topology'});
  const places = new Map();
  ['Workers', 'Functions', 'Trigger types'].forEach((title, i) =>
    svg.append(element('text', {x: COLUMNS[i].x, y: 14, class: 'heading'}, title)));
  columns.forEach((column, i) => {
    const offset = 26 + (rows - column.length) * ROW / 2;
    column.forEach((item, row) => places.set(`${i}:${item.id}`, {x: COLUMNS[i].x, y: offset + row * ROW}));
  });
  const edges = element('g', {class: 'edges'});
  const link = (from, to, parked) => {
    if (!from || !to) return;
    const x1 = from.x + COLUMNS[from.column].w;
    const y1 = from.y + BOX_H / 2;
    const x2 = to.x;
    const y2 = to.y + BOX_H / 2;
    const bend = (x2 - x1) / 2;
    edges.append(element('path', {d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      class: parked ? 'edge parked' : 'edge'}));
  };
  const at = (column, id) => {
    const place = places.get(`${column}:${id}`);
    return place && {...place, column};
  };
  for (const fn of view.functions) link(at(0, fn.owner), at(1, fn.id), false);
  for (const binding of view.bindings) link(at(1, binding.function), at(2, binding.type), binding.parked);
  svg.append(edges);
  columns.forEach((column, i) => {
    for (const item of column) {
      const place = places.get(`${i}:${item.id}`);
      const group = element('g', {class: `box ${['worker', 'function', 'type'][i]}${item.parked ? ' parked' : ''}`,
        'data-id': item.id});
      group.append(element('rect', {x: place.x, y: place.y, width: COLUMNS[i].w, height: BOX_H, rx: 5}));
      const label = item.node ? `${item.label ?? item.id} @ ${item.node}` : (item.label ?? item.id);
      group.append(element('text', {x: place.x + 8, y: place.y + 15}, clip(label, COLUMNS[i].w - 12)));
      group.append(element('title', {}, label));
      svg.append(group);
    }
  });
  if (columns.every(column => column.length === 0)) {
    svg.append(element('text', {x: WIDTH / 2, y: 40, class: 'empty', 'text-anchor': 'middle'},
      'No workers connected'));
  }
  container.replaceChildren(svg);
}
