// steamsim HTML report: draws one run's timeline on a canvas (lanes per peer, messages as
// arrows from send to delivery, drops, retransmissions, state changes, signals, link bands,
// partitions, checks), a summary of every link and the checks with their explanations.
(function () {
  'use strict';

  const started = performance.now();
  const problems = [];
  window.addEventListener('error', function (e) { problems.push('error: ' + e.message); });
  const consoleError = console.error;
  console.error = function () {
    problems.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };

  const DATA = JSON.parse(document.getElementById('steamsim-data').textContent);
  const FATES = ['delivered', 'down', 'rate limit', 'loss', 'burst loss', 'corrupted',
    'undeliverable', 'in flight'];
  const FATE_MARK = ['', 'D', 'R', 'L', 'B', 'C', 'U', ''];
  const TYPES = { 1: 'ConnectRequest', 2: 'ConnectAccept', 3: 'Data', 4: 'Close', 5: 'NoConnection' };
  const STATES = { 0: 'None', 1: 'Connecting', 2: 'FindingRoute', 3: 'Connected', 4: 'ClosedByPeer',
    5: 'ProblemDetectedLocally' };
  const C = {
    reliable: '#2f6fd6', unreliable: '#139a6a', lost: '#d22b2b', drop: '#d22b2b',
    retx: '#e08a00', connecting: '#2f6fd6', connected: '#1a9a4a', closed: '#d22b2b',
    request: '#c79a00', failed: '#d22b2b', pass: '#1a9a4a', fail: '#d22b2b',
    band: 'rgba(255,160,0,0.16)', bandText: '#8a5300', partition: 'rgba(210,40,40,0.09)',
    crash: 'rgba(60,60,60,0.16)', packet: 'rgba(90,100,120,0.35)', control: '#7a3fd0',
    grid: '#eef1f5', axis: '#667085', lane: '#d9dee7'
  };
  const GUTTER = 108;
  const AXIS = 26;
  const MAX_ARROWS = 2500;
  const MAX_PACKETS = 1500;
  const MAX_MARKS = 3000;

  // ---- helpers ------------------------------------------------------------------------
  function el(tag, attrs) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const key of Object.keys(attrs)) {
        if (key === 'text') node.textContent = attrs[key];
        else if (key === 'className') node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      }
    }
    for (let i = 2; i < arguments.length; ++i) {
      const child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function fmtTime(us) {
    const a = Math.abs(us);
    if (a >= 10e6) return (us / 1e6).toFixed(2) + ' s';
    if (a >= 1e6) return (us / 1e6).toFixed(3) + ' s';
    if (a >= 10e3) return (us / 1e3).toFixed(1) + ' ms';
    return (us / 1e3).toFixed(3) + ' ms';
  }
  function fmtCount(n) { return n.toLocaleString('en-US'); }
  function lowerBound(arr, order, value, key) {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (key(arr, order[mid]) < value) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function percentile(sorted, p) {
    if (sorted.length === 0) return NaN;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
    return sorted[i];
  }
  function niceStep(span, target) {
    const raw = span / target;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
    return 10 * pow;
  }

  // ---- one run, prepared ----------------------------------------------------------------
  function prepare(run) {
    const m = run.msgs;
    const p = run.pkts;
    const n = m.send.length;
    const key = new Float64Array(n);
    for (let i = 0; i < n; ++i) key[i] = m.send[i] >= 0 ? m.send[i] : m.recv[i];
    const msgOrder = Array.from({ length: n }, function (_, i) { return i; });
    msgOrder.sort(function (a, b) { return key[a] - key[b]; });
    let maxLatency = 0;
    const latencies = [];
    const relLat = [];
    const unrelLat = [];
    for (let i = 0; i < n; ++i) {
      if (m.send[i] >= 0 && m.recv[i] >= 0) {
        const l = m.recv[i] - m.send[i];
        maxLatency = Math.max(maxLatency, l);
        latencies.push(l);
        (m.rel[i] ? relLat : unrelLat).push(l);
      }
    }
    latencies.sort(function (a, b) { return a - b; });
    let maxFlight = 0;
    const pktOrder = Array.from({ length: p.sent.length }, function (_, i) { return i; });
    const drops = [];
    for (let i = 0; i < p.sent.length; ++i) {
      if (p.end[i] >= 0) maxFlight = Math.max(maxFlight, p.end[i] - p.sent[i]);
      if (p.fate[i] >= 1 && p.fate[i] <= 6) drops.push(i);
    }
    pktOrder.sort(function (a, b) { return p.sent[a] - p.sent[b]; });
    const retxOrder = Array.from({ length: run.retx.t.length }, function (_, i) { return i; });
    // Crash intervals per peer.
    const crashes = [];
    const down = {};
    for (const e of run.peer_events) {
      if (e[1] === 'crash') down[e[2]] = e[0];
      if (e[1] === 'restart' && down[e[2]] !== undefined) {
        crashes.push([down[e[2]], e[0], e[2]]);
        delete down[e[2]];
      }
    }
    for (const k of Object.keys(down)) crashes.push([down[k], run.duration_us, Number(k)]);
    // Lost messages: sent, never delivered.
    let lost = 0;
    for (let i = 0; i < n; ++i) if (m.send[i] >= 0 && m.recv[i] < 0) ++lost;
    return {
      run: run, msgKey: key, msgOrder: msgOrder, maxLatency: maxLatency, latencies: latencies,
      relLat: relLat, unrelLat: unrelLat, pktOrder: pktOrder, maxFlight: maxFlight, drops: drops,
      retxOrder: retxOrder, crashes: crashes, lost: lost
    };
  }

  // ---- the page -----------------------------------------------------------------------
  const app = document.getElementById('app');
  const state = { index: 0, prep: null, t0: 0, t1: 1, hits: [], selfcheck: null };
  const header = el('header', { className: 'top' });
  const title = el('h1', { text: DATA.title });
  header.appendChild(title);
  const runSelect = el('select', { id: 'run-select', 'aria-label': 'run' });
  DATA.runs.forEach(function (r, i) {
    const label = (r.result.passed ? 'PASS ' : 'FAIL ') + r.name + ' (seed ' + r.seed + ')';
    runSelect.appendChild(el('option', { value: String(i), text: label }));
  });
  if (DATA.runs.length > 1) header.appendChild(runSelect);
  const status = el('span', { id: 'run-status' });
  header.appendChild(status);
  header.appendChild(el('nav', null, el('a', { href: '#timeline', text: 'Timeline' }),
    el('a', { href: '#checks', text: 'Checks' }), el('a', { href: '#summary', text: 'Summary' })));
  app.appendChild(header);
  const main = el('main');
  app.appendChild(main);

  // Timeline section.
  const timelineSection = el('section', { id: 'timeline' });
  timelineSection.appendChild(el('h2', { text: 'Timeline' }));
  const toolbar = el('div', { className: 'toolbar' });
  const buttons = {
    zoomIn: el('button', { type: 'button', title: 'Zoom in (+)', text: '+' }),
    zoomOut: el('button', { type: 'button', title: 'Zoom out (-)', text: '−' }),
    fit: el('button', { type: 'button', title: 'Whole run (0)', text: 'Fit' }),
    left: el('button', { type: 'button', title: 'Earlier (←)', text: '◀' }),
    right: el('button', { type: 'button', title: 'Later (→)', text: '▶' })
  };
  for (const k of ['zoomIn', 'zoomOut', 'fit', 'left', 'right']) toolbar.appendChild(buttons[k]);
  function toggle(id, text, checked) {
    const box = el('input', { type: 'checkbox', id: id });
    box.checked = checked;
    toolbar.appendChild(el('label', { for: id }, box, ' ' + text));
    return box;
  }
  const showMessages = toggle('show-messages', 'messages', true);
  const showPackets = toggle('show-packets', 'datagrams', true);
  const showKeepalives = toggle('show-keepalives', 'acks & keepalives', false);
  const showBands = toggle('show-bands', 'link conditions', true);
  const windowLabel = el('span', { className: 'window muted' });
  toolbar.appendChild(windowLabel);
  timelineSection.appendChild(toolbar);
  const legend = el('div', { className: 'legend' });
  function legendItem(color, text, dot) {
    const i = el('i', dot ? { className: 'dot' } : null);
    i.style.background = color;
    legend.appendChild(el('span', null, i, text));
  }
  legendItem(C.reliable, 'reliable message');
  legendItem(C.unreliable, 'unreliable message');
  legendItem(C.lost, 'lost message / drop (D down, R rate, L loss, B burst, C corrupt, U undeliverable)');
  legendItem(C.retx, 'retransmission', true);
  legendItem(C.control, 'handshake / close packet');
  legendItem(C.connected, 'state change', true);
  legendItem(C.request, 'signal', true);
  legendItem(C.band, 'link conditions');
  legendItem('rgba(210,40,40,0.3)', 'partition');
  legendItem(C.crash, 'crashed');
  timelineSection.appendChild(legend);
  const aggregatedNote = el('div', { className: 'aggregated', id: 'aggregated-note' });
  timelineSection.appendChild(aggregatedNote);
  const wrap = el('div', { className: 'timeline-wrap' });
  const canvas = el('canvas', { id: 'timeline-canvas', tabindex: '0', 'aria-label': 'timeline' });
  wrap.appendChild(canvas);
  timelineSection.appendChild(wrap);
  const overviewWrap = el('div', { className: 'overview' });
  const overview = el('canvas', { id: 'overview-canvas', 'aria-label': 'overview' });
  overviewWrap.appendChild(overview);
  timelineSection.appendChild(overviewWrap);
  const details = el('div', { className: 'details', id: 'details',
    text: 'Hover over a mark for details; click to keep them here. Wheel or +/− zooms, drag pans.' });
  timelineSection.appendChild(details);
  main.appendChild(timelineSection);

  const checksSection = el('section', { id: 'checks' });
  main.appendChild(checksSection);
  const summarySection = el('section', { id: 'summary' });
  main.appendChild(summarySection);
  const tooltip = el('div', { className: 'tooltip' });
  document.body.appendChild(tooltip);
  const selfcheckNode = el('pre', { id: 'selfcheck' });
  document.body.appendChild(selfcheckNode);

  // ---- geometry ---------------------------------------------------------------------
  const CONTENT_H = 76;
  let laneH = 76;
  let bandsH = 0;
  let width = 800;
  function laneY(i) { return AXIS + i * laneH + bandsH + CONTENT_H / 2; }
  function xOf(t) { return GUTTER + (t - state.t0) / (state.t1 - state.t0) * (width - GUTTER - 8); }
  function tOf(x) { return state.t0 + (x - GUTTER) / (width - GUTTER - 8) * (state.t1 - state.t0); }

  function setWindow(t0, t1) {
    const total = Math.max(1, state.prep.run.duration_us);
    const span = Math.max(200, Math.min(total * 1.02, t1 - t0));
    let a = t0;
    if (a < -total * 0.01) a = -total * 0.01;
    if (a + span > total * 1.01) a = total * 1.01 - span;
    state.t0 = a;
    state.t1 = a + span;
    draw();
  }
  function zoom(factor, atX) {
    const x = atX === undefined ? (GUTTER + width) / 2 : atX;
    const t = tOf(x);
    setWindow(t - (t - state.t0) * factor, t + (state.t1 - t) * factor);
  }
  function fit() {
    const d = Math.max(1, state.prep.run.duration_us);
    state.t0 = -d * 0.01;
    state.t1 = d * 1.01;
    draw();
  }

  // ---- drawing ------------------------------------------------------------------------
  function setupCanvas(c, w, h) {
    const ratio = window.devicePixelRatio || 1;
    c.width = Math.round(w * ratio);
    c.height = Math.round(h * ratio);
    c.style.width = w + 'px';
    c.style.height = h + 'px';
    const ctx = c.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }

  function addHit(x, y, r, kind, text, extra) {
    if (state.hits.length < 20000) state.hits.push({ x: x, y: y, r: r, kind: kind, text: text, extra: extra });
  }

  function peerName(i) {
    const peers = state.prep.run.peers;
    return i >= 0 && i < peers.length ? peers[i].name : 'network';
  }

  function drawAxis(ctx, height) {
    const span = state.t1 - state.t0;
    const step = niceStep(span, Math.max(4, (width - GUTTER) / 110));
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let t = Math.ceil(state.t0 / step) * step; t <= state.t1; t += step) {
      const x = xOf(t);
      ctx.strokeStyle = C.grid;
      ctx.beginPath();
      ctx.moveTo(x, AXIS);
      ctx.lineTo(x, height);
      ctx.stroke();
      ctx.fillStyle = C.axis;
      ctx.fillText(fmtTime(t), x, AXIS / 2);
    }
    const total = state.prep.run.duration_us;
    ctx.fillStyle = 'rgba(0,0,0,0.04)';
    if (xOf(0) > GUTTER) ctx.fillRect(GUTTER, AXIS, xOf(0) - GUTTER, height - AXIS);
    if (xOf(total) < width) ctx.fillRect(xOf(total), AXIS, width - xOf(total), height - AXIS);
  }

  function drawBackground(ctx, height) {
    const run = state.prep.run;
    const n = run.peers.length;
    // Partitions: a band across all lanes, the groups named.
    for (const p of run.partitions) {
      const x0 = Math.max(GUTTER, xOf(p[0]));
      const x1 = Math.min(width, xOf(p[1]));
      if (x1 <= x0) continue;
      ctx.fillStyle = C.partition;
      ctx.fillRect(x0, AXIS, x1 - x0, height - AXIS);
      const groups = {};
      p[2].forEach(function (g, i) { if (g >= 0) (groups[g] = groups[g] || []).push(peerName(i)); });
      const text = 'partition ' + Object.keys(groups).map(function (g) { return '{' + groups[g].join(', ') + '}'; }).join(' | ');
      ctx.fillStyle = '#a32020';
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'left';
      ctx.fillText(text, x0 + 4, AXIS + 8);
      addHit((x0 + x1) / 2, AXIS + 8, Math.max(8, (x1 - x0) / 2), 'partition',
        text + '\n' + fmtTime(p[0]) + ' – ' + fmtTime(p[1]));
    }
    // Lanes.
    for (let i = 0; i < n; ++i) {
      const y = laneY(i);
      ctx.strokeStyle = C.lane;
      ctx.beginPath();
      ctx.moveTo(GUTTER, y);
      ctx.lineTo(width, y);
      ctx.stroke();
      if (i > 0) {
        ctx.strokeStyle = C.grid;
        ctx.beginPath();
        ctx.moveTo(0, AXIS + i * laneH);
        ctx.lineTo(width, AXIS + i * laneH);
        ctx.stroke();
      }
    }
    for (const c of state.prep.crashes) {
      const x0 = Math.max(GUTTER, xOf(c[0]));
      const x1 = Math.min(width, xOf(c[1]));
      if (x1 <= x0) continue;
      ctx.fillStyle = C.crash;
      ctx.fillRect(x0, AXIS + c[2] * laneH + bandsH + 2, x1 - x0, CONTENT_H - 4);
      ctx.fillStyle = '#333';
      ctx.textAlign = 'left';
      ctx.fillText('crashed', x0 + 4, AXIS + c[2] * laneH + laneH - 8);
      addHit(x0 + 20, AXIS + c[2] * laneH + laneH - 8, 20, 'crash',
        peerName(c[2]) + ' crashed at ' + fmtTime(c[0]) + (c[1] < run.duration_us ? ', restarted at ' + fmtTime(c[1]) : ''));
    }
    // Link conditions: strips in the sender's lane, one row per receiver.
    if (showBands.checked) {
      ctx.font = '10px system-ui, sans-serif';
      ctx.textAlign = 'left';
      for (const link of run.links) {
        const row = link.to < link.from ? link.to : link.to - 1;
        const top = AXIS + link.from * laneH + 2 + row * 11;
        for (const b of link.bands) {
          const x0 = Math.max(GUTTER, xOf(b[0]));
          const x1 = Math.min(width, xOf(b[1]));
          if (x1 <= x0) continue;
          ctx.fillStyle = C.band;
          ctx.fillRect(x0, top, x1 - x0, 10);
          const text = '→ ' + peerName(link.to) + ': ' + b[2];
          ctx.save();
          ctx.beginPath();
          ctx.rect(x0, top, x1 - x0, 10);
          ctx.clip();
          ctx.fillStyle = C.bandText;
          ctx.fillText(text, x0 + 3, top + 5);
          ctx.restore();
          addHit(Math.max(x0 + 6, Math.min(x1 - 6, GUTTER + 6)), top + 5, 6, 'link',
            peerName(link.from) + ' ' + text + '\n' + fmtTime(b[0]) + ' – ' + fmtTime(b[1]));
        }
      }
    }
  }

  function arrow(ctx, x0, y0, x1, y1, color, dashed) {
    ctx.strokeStyle = color;
    ctx.setLineDash(dashed ? [3, 3] : []);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.setLineDash([]);
    const a = Math.atan2(y1 - y0, x1 - x0);
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 6 * Math.cos(a - 0.4), y1 - 6 * Math.sin(a - 0.4));
    ctx.lineTo(x1 - 6 * Math.cos(a + 0.4), y1 - 6 * Math.sin(a + 0.4));
    ctx.closePath();
    ctx.fill();
  }

  function cross(ctx, x, y, s, color) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x - s, y - s);
    ctx.lineTo(x + s, y + s);
    ctx.moveTo(x + s, y - s);
    ctx.lineTo(x - s, y + s);
    ctx.stroke();
    ctx.lineWidth = 1;
  }

  // Counts per pixel bucket of items in [t0, t1], drawn as bars in a lane.
  function bars(ctx, counts, bucket, lane, color, up, offset) {
    let max = 1;
    for (const k in counts) max = Math.max(max, counts[k]);
    const base = laneY(lane) + offset;
    const room = CONTENT_H / 2 - 8;
    ctx.fillStyle = color;
    for (const k in counts) {
      const h = Math.max(2, room * Math.log1p(counts[k]) / Math.log1p(max));
      const x = GUTTER + Number(k) * bucket;
      ctx.fillRect(x, up ? base - h : base, Math.max(1, bucket - 1), h);
    }
    return max;
  }

  function drawMessages(ctx, stats) {
    const prep = state.prep;
    const m = prep.run.msgs;
    const first = lowerBound(prep.msgKey, prep.msgOrder, state.t0 - prep.maxLatency, function (k, i) { return k[i]; });
    const last = lowerBound(prep.msgKey, prep.msgOrder, state.t1, function (k, i) { return k[i]; });
    let visible = 0;
    for (let j = first; j < last; ++j) {
      const i = prep.msgOrder[j];
      const a = m.send[i] >= 0 ? m.send[i] : m.recv[i];
      const b = m.recv[i] >= 0 ? m.recv[i] : a;
      if (b >= state.t0 && a <= state.t1) ++visible;
    }
    stats.messages = visible;
    if (!showMessages.checked) return;
    if (visible <= MAX_ARROWS) {
      ctx.lineWidth = 1;
      for (let j = first; j < last; ++j) {
        const i = prep.msgOrder[j];
        const s = m.send[i];
        const r = m.recv[i];
        const y0 = laneY(m.from[i]);
        const y1 = laneY(m.to[i]);
        const label = (m.rel[i] ? 'reliable' : 'unreliable') + ' message #' + m.id[i] + ', channel ' + m.ch[i] +
          ', ' + m.size[i] + ' B\n' + peerName(m.from[i]) + ' → ' + peerName(m.to[i]);
        if (s >= 0 && r >= 0) {
          if (r < state.t0 || s > state.t1) continue;
          arrow(ctx, xOf(s), y0, xOf(r), y1, m.rel[i] ? C.reliable : C.unreliable, false);
          addHit(xOf(r), y1, 4, 'message', label + '\nsent ' + fmtTime(s) + ', delivered ' + fmtTime(r) +
            ' (' + fmtTime(r - s) + ')');
        } else if (s >= 0) {
          const x = xOf(s);
          const ym = y0 + (y1 - y0) * 0.35;
          arrow(ctx, x, y0, x + 10, ym, C.lost, true);
          cross(ctx, x + 12, ym, 3, C.lost);
          stats.lostDrawn++;
          addHit(x + 12, ym, 5, 'lost', label + '\nsent ' + fmtTime(s) + ', never delivered');
        }
      }
      return;
    }
    // Too many to draw one by one: per directed pair, sends per pixel bucket above the
    // sender's lane, deliveries below the receiver's; lost ones in red.
    stats.aggregated = true;
    const bucket = 3;
    const sent = {};
    const got = {};
    const lost = {};
    for (let j = first; j < last; ++j) {
      const i = prep.msgOrder[j];
      if (m.send[i] >= state.t0 && m.send[i] <= state.t1) {
        const k = Math.floor((xOf(m.send[i]) - GUTTER) / bucket);
        const bag = m.recv[i] >= 0 ? sent : lost;
        bag[m.from[i]] = bag[m.from[i]] || {};
        bag[m.from[i]][k] = (bag[m.from[i]][k] || 0) + 1;
      }
      if (m.recv[i] >= state.t0 && m.recv[i] <= state.t1) {
        const k = Math.floor((xOf(m.recv[i]) - GUTTER) / bucket);
        got[m.to[i]] = got[m.to[i]] || {};
        got[m.to[i]][k] = (got[m.to[i]][k] || 0) + 1;
      }
    }
    for (const lane in sent) bars(ctx, sent[lane], bucket, Number(lane), 'rgba(47,111,214,0.55)', true, -1);
    for (const lane in got) bars(ctx, got[lane], bucket, Number(lane), 'rgba(19,154,106,0.55)', false, 1);
    for (const lane in lost) {
      bars(ctx, lost[lane], bucket, Number(lane), 'rgba(210,43,43,0.85)', true, -1);
      for (const k in lost[lane]) {
        stats.lostDrawn += lost[lane][k];
        addHit(GUTTER + Number(k) * bucket, laneY(Number(lane)) - 8, 4, 'lost',
          lost[lane][k] + ' message(s) sent by ' + peerName(Number(lane)) + ' here were never delivered');
      }
    }
  }

  function isKeepalive(p, i) {
    return (p.content[i] & 1) !== 0 && (p.content[i] & 2) === 0;
  }

  function drawPackets(ctx, stats) {
    const prep = state.prep;
    const p = prep.run.pkts;
    const key = function (arr, i) { return arr[i]; };
    const first = lowerBound(p.sent, prep.pktOrder, state.t0 - prep.maxFlight, key);
    const last = lowerBound(p.sent, prep.pktOrder, state.t1, key);
    let visible = 0;
    for (let j = first; j < last; ++j) {
      const i = prep.pktOrder[j];
      if (p.type[i] === 3 && !showKeepalives.checked && (p.content[i] & 2) === 0) continue;
      ++visible;
    }
    stats.datagrams = visible;
    const oneByOne = showPackets.checked && visible <= MAX_PACKETS;
    const dropCounts = {};
    ctx.font = 'bold 9px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (let j = first; j < last; ++j) {
      const i = prep.pktOrder[j];
      const fate = p.fate[i];
      const control = p.type[i] !== 3;
      const y0 = laneY(p.from[i]);
      const y1 = p.to[i] >= 0 ? laneY(p.to[i]) : y0;
      const label = (TYPES[p.type[i]] || 'type ' + p.type[i]) + ' datagram, ' + p.bytes[i] + ' B' +
        (isKeepalive(p, i) ? ' (keepalive/ping)' : '') + '\n' + peerName(p.from[i]) + ' → ' + peerName(p.to[i]) +
        '\nsent ' + fmtTime(p.sent[i]) + ', ' + FATES[fate] + (p.end[i] >= 0 ? ' at ' + fmtTime(p.end[i]) : '');
      if (fate >= 1 && fate <= 6) {
        const t = fate === 5 ? p.end[i] : (p.end[i] >= 0 ? p.end[i] : p.sent[i]);
        if (t < state.t0 || t > state.t1) continue;
        if (!oneByOne && !control) {
          const k = Math.floor((xOf(t) - GUTTER) / 3);
          const lane = p.from[i];
          dropCounts[lane] = dropCounts[lane] || {};
          dropCounts[lane][k] = (dropCounts[lane][k] || 0) + 1;
          stats.dropsDrawn++;
          continue;
        }
        const x = xOf(t);
        const y = fate === 5 ? y1 - Math.sign(y1 - y0) * 10 : y0 + Math.sign(y1 - y0 || 1) * 10;
        if (fate === 5) arrow(ctx, xOf(p.sent[i]), y0, x, y, C.drop, true);
        cross(ctx, x, y, 4, C.drop);
        ctx.fillStyle = C.drop;
        ctx.fillText(FATE_MARK[fate], x, y + (y1 >= y0 ? 10 : -10));
        stats.dropsDrawn++;
        addHit(x, y, 6, 'drop', 'DROPPED (' + FATES[fate] + ')\n' + label);
        continue;
      }
      if (!oneByOne && !control) continue;
      if (!showPackets.checked && !control) continue;
      if (p.type[i] === 3 && !showKeepalives.checked && (p.content[i] & 2) === 0) continue;
      const end = p.end[i] >= 0 ? p.end[i] : Math.min(state.t1, p.sent[i] + 1);
      if (end < state.t0) continue;
      ctx.lineWidth = control ? 1.5 : 1;
      arrow(ctx, xOf(p.sent[i]), y0, xOf(end), y1, control ? C.control : C.packet, isKeepalive(p, i));
      ctx.lineWidth = 1;
      if (control) {
        ctx.fillStyle = C.control;
        ctx.font = '10px system-ui, sans-serif';
        ctx.textAlign = 'left';
        ctx.fillText(TYPES[p.type[i]] || '', xOf(p.sent[i]) + 3, y0 + (y1 >= y0 ? 12 : -12));
        ctx.font = 'bold 9px system-ui, sans-serif';
        ctx.textAlign = 'center';
        addHit(xOf(p.sent[i]), y0, 5, 'packet', label);
      } else {
        addHit(xOf(end), y1, 3, 'packet', label);
      }
    }
    for (const lane in dropCounts) {
      bars(ctx, dropCounts[lane], 3, Number(lane), 'rgba(210,43,43,0.9)', false, 2);
      for (const k in dropCounts[lane]) {
        addHit(GUTTER + Number(k) * 3, laneY(Number(lane)) + 8, 4, 'drop',
          dropCounts[lane][k] + ' datagram(s) from ' + peerName(Number(lane)) + ' dropped here');
      }
    }
    if (!oneByOne && showPackets.checked) stats.packetsAggregated = true;
  }

  function drawRetransmissions(ctx, stats) {
    const r = state.prep.run.retx;
    const counts = {};
    let n = 0;
    for (let i = 0; i < r.t.length; ++i) if (r.t[i] >= state.t0 && r.t[i] <= state.t1) ++n;
    for (let i = 0; i < r.t.length; ++i) {
      const t = r.t[i];
      if (t < state.t0 || t > state.t1) continue;
      const x = xOf(t);
      const y = laneY(r.from[i]) + 16;
      if (n > MAX_MARKS) {
        const k = Math.floor((x - GUTTER) / 3);
        counts[r.from[i]] = counts[r.from[i]] || {};
        counts[r.from[i]][k] = (counts[r.from[i]][k] || 0) + 1;
        continue;
      }
      ctx.fillStyle = C.retx;
      ctx.beginPath();
      ctx.moveTo(x, y - 4);
      ctx.lineTo(x + 4, y + 3);
      ctx.lineTo(x - 4, y + 3);
      ctx.closePath();
      ctx.fill();
      addHit(x, y, 5, 'retx', 'retransmission: ' + r.bytes[i] + ' reliable bytes to ' + peerName(r.to[i]) +
        ' were lost and queued again\n' + fmtTime(t));
    }
    for (const lane in counts) bars(ctx, counts[lane], 3, Number(lane), 'rgba(224,138,0,0.8)', false, 14);
    stats.retransmissions = n;
  }

  function drawSessionEvents(ctx) {
    const run = state.prep.run;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'left';
    let lastX = {};
    for (const s of run.states) {
      const t = s[0];
      if (t < state.t0 || t > state.t1) continue;
      const x = xOf(t);
      const y = laneY(s[1]) - 14;
      const color = s[3] === 3 ? C.connected : (s[3] === 4 || s[3] === 5 ? C.closed : C.connecting);
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(x, y - 5);
      ctx.lineTo(x + 5, y);
      ctx.lineTo(x, y + 5);
      ctx.lineTo(x - 5, y);
      ctx.closePath();
      ctx.fill();
      const short = (STATES[s[3]] || String(s[3])) + ' (' + peerName(s[2]) + ')';
      if (lastX[s[1]] === undefined || x - lastX[s[1]] > 90) {
        ctx.fillText(short, x + 7, y);
        lastX[s[1]] = x;
      }
      addHit(x, y, 6, 'state', peerName(s[1]) + ' ↔ ' + peerName(s[2]) + ': ' + s[4].replace(/^state /, '') +
        '\n' + fmtTime(t));
    }
    lastX = {};
    for (const s of run.signals) {
      const t = s[0];
      if (t < state.t0 || t > state.t1) continue;
      const x = xOf(t);
      const y = laneY(s[1]) - 26;
      ctx.strokeStyle = s[3] === 0 ? C.request : C.failed;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath();
      ctx.moveTo(x, y + 8);
      ctx.lineTo(x, y - 5);
      ctx.stroke();
      ctx.fillRect(x, y - 5, 7, 5);
      const text = (s[3] === 0 ? 'session_request' : 'session_failed ' + s[4]) + ' (' + peerName(s[2]) + ')';
      if (lastX[s[1]] === undefined || x - lastX[s[1]] > 120) {
        ctx.fillText(text, x + 9, y - 2);
        lastX[s[1]] = x;
      }
      addHit(x, y, 7, 'signal', peerName(s[1]) + ' got ' + s[5] + '\nfrom ' + peerName(s[2]) + ' at ' + fmtTime(t));
    }
    for (const c of run.calls) {
      const t = c[0];
      if (t < state.t0 || t > state.t1) continue;
      const x = xOf(t);
      const y = laneY(c[1]) + 26;
      ctx.fillStyle = '#445';
      ctx.fillRect(x - 3, y - 3, 6, 6);
      addHit(x, y, 5, 'call', peerName(c[1]) + ' called ' + c[3] + '(' + peerName(c[2]) + ') → ' + c[4] +
        '\n' + fmtTime(t));
    }
  }

  function drawChecks(ctx, height, stats) {
    const run = state.prep.run;
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (const c of run.checks) {
      const t = c.at_us;
      if (t < state.t0 || t > state.t1) continue;
      const x = xOf(t);
      const color = c.passed ? C.pass : C.fail;
      ctx.strokeStyle = color;
      ctx.lineWidth = c.passed ? 1 : 2;
      ctx.setLineDash(c.passed ? [2, 4] : []);
      ctx.beginPath();
      ctx.moveTo(x, AXIS);
      ctx.lineTo(x, height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(x, AXIS + 1, 7, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#fff';
      ctx.fillText(c.passed ? '✓' : '✗', x, AXIS + 1);
      if (c.passed) stats.greenChecks++; else stats.redChecks++;
      addHit(x, AXIS + 1, 8, 'check', (c.passed ? 'PASSED ' : 'FAILED ') + c.id + ': ' + c.title +
        '\nexpected: ' + c.expected + '\ngot: ' + c.actual +
        (c.explanation ? '\nwhy: ' + (c.rule ? c.rule + ': ' : '') + c.explanation : ''), c);
    }
  }

  function draw() {
    const prep = state.prep;
    const run = prep.run;
    const n = Math.max(1, run.peers.length);
    width = Math.max(480, wrap.clientWidth || 800);
    bandsH = showBands.checked && run.links.length > 0 ? 4 + 11 * (n - 1) : 0;
    laneH = CONTENT_H + bandsH;
    const height = AXIS + n * laneH + 4;
    const ctx = setupCanvas(canvas, width, height);
    state.hits = [];
    const stats = { messages: 0, datagrams: 0, dropsDrawn: 0, lostDrawn: 0, redChecks: 0, greenChecks: 0,
      retransmissions: 0, aggregated: false, packetsAggregated: false };
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    drawAxis(ctx, height);
    drawBackground(ctx, height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(GUTTER, AXIS, width - GUTTER, height - AXIS);
    ctx.clip();
    drawPackets(ctx, stats);
    drawMessages(ctx, stats);
    drawRetransmissions(ctx, stats);
    drawSessionEvents(ctx);
    drawChecks(ctx, height, stats);
    ctx.restore();
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, AXIS, GUTTER - 2, height - AXIS);
    placeLaneLabels();
    windowLabel.textContent = fmtTime(Math.max(0, state.t0)) + ' – ' + fmtTime(Math.min(run.duration_us, state.t1)) +
      '  (' + fmtCount(stats.messages) + ' messages, ' + fmtCount(stats.datagrams) + ' datagrams in view)';
    const notes = [];
    if (stats.aggregated) notes.push(fmtCount(stats.messages) + ' messages in view: drawn as sends per pixel (above a lane) and deliveries (below); zoom in to see each arrow');
    if (stats.packetsAggregated) notes.push('datagrams aggregated; drops shown as red bars');
    aggregatedNote.textContent = notes.join(' · ');
    state.lastStats = stats;
    drawOverview();
  }

  function placeLaneLabels() {
    for (const node of Array.from(wrap.querySelectorAll('.lane-label'))) node.remove();
    const run = state.prep.run;
    run.peers.forEach(function (p, i) {
      const label = el('div', { className: 'lane lane-label', 'data-peer': p.name }, p.name,
        el('small', { text: run.result.peers[i] && run.result.peers[i].port ? 'port ' + run.result.peers[i].port : 'no socket' }));
      label.title = p.name + ' · Steam ID ' + p.steam_id;
      label.style.top = (laneY(i) - 16) + 'px';
      wrap.appendChild(label);
    });
  }

  function drawOverview() {
    const run = state.prep.run;
    const h = 38;
    const w = width;
    const ctx = setupCanvas(overview, w, h);
    ctx.fillStyle = '#fafbfd';
    ctx.fillRect(0, 0, w, h);
    const total = Math.max(1, run.duration_us);
    const px = function (t) { return GUTTER + t / total * (w - GUTTER - 8); };
    const cols = Math.max(1, Math.floor(w - GUTTER - 8));
    const sends = new Float64Array(cols + 1);
    const drops = new Float64Array(cols + 1);
    const m = run.msgs;
    for (let i = 0; i < m.send.length; ++i) {
      if (m.send[i] >= 0) sends[Math.min(cols, Math.max(0, Math.floor(px(m.send[i]) - GUTTER)))]++;
    }
    for (const i of state.prep.drops) {
      const t = run.pkts.end[i] >= 0 ? run.pkts.end[i] : run.pkts.sent[i];
      drops[Math.min(cols, Math.max(0, Math.floor(px(t) - GUTTER)))]++;
    }
    let max = 1;
    for (let i = 0; i <= cols; ++i) max = Math.max(max, sends[i], drops[i]);
    for (let i = 0; i <= cols; ++i) {
      if (sends[i] > 0) {
        const hh = (h - 6) * Math.log1p(sends[i]) / Math.log1p(max);
        ctx.fillStyle = 'rgba(47,111,214,0.45)';
        ctx.fillRect(GUTTER + i, h - hh, 1, hh);
      }
      if (drops[i] > 0) {
        const hh = (h - 6) * Math.log1p(drops[i]) / Math.log1p(max);
        ctx.fillStyle = 'rgba(210,43,43,0.8)';
        ctx.fillRect(GUTTER + i, 0, 1, hh / 2);
      }
    }
    for (const c of run.checks) {
      ctx.fillStyle = c.passed ? C.pass : C.fail;
      ctx.fillRect(px(c.at_us) - 1, 0, 2, h);
    }
    ctx.strokeStyle = '#1d2330';
    ctx.lineWidth = 1.5;
    const x0 = px(Math.max(0, state.t0));
    const x1 = px(Math.min(total, state.t1));
    ctx.strokeRect(x0, 1, Math.max(2, x1 - x0), h - 2);
    ctx.fillStyle = C.axis;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText('whole run', 6, h / 2);
    overview.onclick = function (e) {
      const rect = overview.getBoundingClientRect();
      const t = (e.clientX - rect.left - GUTTER) / (w - GUTTER - 8) * total;
      const span = state.t1 - state.t0;
      setWindow(t - span / 2, t + span / 2);
    };
  }

  // ---- interaction --------------------------------------------------------------------
  function hitAt(x, y) {
    let best = null;
    let bestD = Infinity;
    for (const h of state.hits) {
      const d = Math.hypot(h.x - x, h.y - y);
      if (d <= h.r + 3 && d < bestD) {
        best = h;
        bestD = d;
      }
    }
    return best;
  }
  let drag = null;
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, e.clientX - rect.left);
  }, { passive: false });
  canvas.addEventListener('mousedown', function (e) {
    drag = { x: e.clientX, t0: state.t0, t1: state.t1, moved: false };
    canvas.classList.add('dragging');
  });
  window.addEventListener('mouseup', function (e) {
    if (drag && !drag.moved) {
      const rect = canvas.getBoundingClientRect();
      const h = hitAt(e.clientX - rect.left, e.clientY - rect.top);
      if (h && e.target === canvas) {
        details.textContent = h.text;
        if (h.extra && h.extra.id) {
          const target = document.getElementById('check-' + h.extra.id.replace(/[^A-Za-z0-9]/g, '_'));
          if (target) target.scrollIntoView({ block: 'nearest' });
        }
      }
    }
    drag = null;
    canvas.classList.remove('dragging');
  });
  window.addEventListener('mousemove', function (e) {
    if (drag) {
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 2) drag.moved = true;
      const dt = dx / (width - GUTTER - 8) * (drag.t1 - drag.t0);
      setWindow(drag.t0 - dt, drag.t1 - dt);
      tooltip.style.display = 'none';
      return;
    }
    if (e.target !== canvas) {
      tooltip.style.display = 'none';
      return;
    }
    const rect = canvas.getBoundingClientRect();
    const h = hitAt(e.clientX - rect.left, e.clientY - rect.top);
    if (!h) {
      tooltip.style.display = 'none';
      return;
    }
    tooltip.textContent = h.text;
    tooltip.style.display = 'block';
    tooltip.style.left = Math.min(window.innerWidth - 300, e.clientX + 14) + 'px';
    tooltip.style.top = (e.clientY + 14) + 'px';
  });
  canvas.addEventListener('dblclick', fit);
  canvas.addEventListener('keydown', function (e) {
    const span = state.t1 - state.t0;
    if (e.key === '+' || e.key === '=') zoom(0.67);
    else if (e.key === '-') zoom(1.5);
    else if (e.key === '0') fit();
    else if (e.key === 'ArrowLeft') setWindow(state.t0 - span * 0.2, state.t1 - span * 0.2);
    else if (e.key === 'ArrowRight') setWindow(state.t0 + span * 0.2, state.t1 + span * 0.2);
    else return;
    e.preventDefault();
  });
  buttons.zoomIn.onclick = function () { zoom(0.67); };
  buttons.zoomOut.onclick = function () { zoom(1.5); };
  buttons.fit.onclick = fit;
  buttons.left.onclick = function () { const s = state.t1 - state.t0; setWindow(state.t0 - s * 0.25, state.t1 - s * 0.25); };
  buttons.right.onclick = function () { const s = state.t1 - state.t0; setWindow(state.t0 + s * 0.25, state.t1 + s * 0.25); };
  for (const box of [showMessages, showPackets, showKeepalives, showBands]) box.onchange = draw;
  let resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 80);
  });

  // ---- checks -------------------------------------------------------------------------
  function renderChecks() {
    const run = state.prep.run;
    checksSection.textContent = '';
    const failed = run.checks.filter(function (c) { return !c.passed; }).length;
    checksSection.appendChild(el('h2', { text: 'Checks: ' + (run.checks.length - failed) + ' of ' + run.checks.length + ' passed' }));
    if (run.result.error) checksSection.appendChild(el('p', { className: 'check fail', text: 'The run could not complete: ' + run.result.error }));
    const list = el('ul', { className: 'checks' });
    const ordered = run.checks.slice().sort(function (a, b) { return (a.passed - b.passed) || (a.at_us - b.at_us); });
    for (const c of ordered) {
      const item = el('li', { className: 'check ' + (c.passed ? 'pass' : 'fail'), id: 'check-' + c.id.replace(/[^A-Za-z0-9]/g, '_') });
      const link = el('a', { href: '#timeline', text: c.title });
      link.onclick = function () {
        const span = Math.min(state.t1 - state.t0, Math.max(2e5, run.duration_us / 10));
        setWindow(c.at_us - span * 0.7, c.at_us + span * 0.3);
        details.textContent = (c.passed ? 'PASSED ' : 'FAILED ') + c.title + '\nexpected: ' + c.expected + '\ngot: ' + c.actual +
          (c.explanation ? '\nwhy: ' + (c.rule ? c.rule + ': ' : '') + c.explanation : '');
      };
      item.appendChild(el('div', { className: 'title' },
        el('span', { className: 'badge ' + (c.passed ? 'pass' : 'fail'), text: c.passed ? 'PASS' : 'FAIL' }), ' ',
        link, el('span', { className: 'muted', text: '  ' + c.id + (c.line ? ' (line ' + c.line + ')' : '') + ' · at ' + fmtTime(c.at_us) })));
      item.appendChild(el('div', null, el('span', { className: 'muted', text: 'expected: ' }), c.expected));
      item.appendChild(el('div', null, el('span', { className: 'muted', text: 'got: ' }), c.actual));
      if (!c.passed && c.explanation) {
        const why = el('div', { className: 'why' });
        if (c.rule) why.appendChild(el('span', { className: 'badge rule', text: c.rule }));
        why.appendChild(document.createTextNode(' ' + c.explanation));
        item.appendChild(why);
        if (c.proof.length) item.appendChild(el('pre', { className: 'proof', text: c.proof.join('\n') }));
      }
      if (!c.passed && c.timeline.length) {
        item.appendChild(el('details', { open: '' }, el('summary', { text: 'session timeline of the pair' }),
          el('pre', { className: 'session-timeline', text: c.timeline.join('\n') })));
      }
      if (!c.passed && c.context.length) {
        item.appendChild(el('details', null, el('summary', { text: 'trace around ' + fmtTime(c.at_us) }),
          el('pre', { text: c.context.join('\n') })));
      }
      list.appendChild(item);
    }
    checksSection.appendChild(list);
  }

  // ---- summary ------------------------------------------------------------------------
  function renderSummary() {
    const prep = state.prep;
    const run = prep.run;
    summarySection.textContent = '';
    summarySection.appendChild(el('h2', { text: 'Summary' }));
    const m = run.msgs;
    let delivered = 0;
    for (let i = 0; i < m.recv.length; ++i) if (m.recv[i] >= 0) ++delivered;
    const cards = el('div', { className: 'cards' });
    function card(label, value) { cards.appendChild(el('div', { className: 'card' }, el('b', { text: value }), label)); }
    card('messages sent', fmtCount(m.send.filter(function (t) { return t >= 0; }).length));
    card('delivered', fmtCount(delivered));
    card('lost (never delivered)', fmtCount(prep.lost));
    card('datagrams', fmtCount(run.pkts.sent.length));
    card('datagrams dropped', fmtCount(prep.drops.length));
    card('retransmissions', fmtCount(run.retx.t.length));
    card('latency p50 / p99', fmtTime(percentile(prep.latencies, 0.5) || 0) + ' / ' + fmtTime(percentile(prep.latencies, 0.99) || 0));
    summarySection.appendChild(cards);

    // Per link: counters from the network and message statistics from the timeline.
    const perLink = {};
    for (let i = 0; i < m.send.length; ++i) {
      const k = m.from[i] + '>' + m.to[i];
      const s = perLink[k] = perLink[k] || { sent: 0, delivered: 0, lost: 0, lat: [] };
      if (m.send[i] >= 0) s.sent++;
      if (m.recv[i] >= 0) s.delivered++;
      if (m.send[i] >= 0 && m.recv[i] < 0) s.lost++;
      if (m.send[i] >= 0 && m.recv[i] >= 0) s.lat.push(m.recv[i] - m.send[i]);
    }
    const retxPer = {};
    for (let i = 0; i < run.retx.t.length; ++i) {
      const k = run.retx.from[i] + '>' + run.retx.to[i];
      retxPer[k] = (retxPer[k] || 0) + 1;
    }
    const table = el('table', { className: 'counters', id: 'link-counters' });
    const head = ['link', 'datagrams', 'bytes', 'delivered', 'down/partition', 'rate limit', 'loss', 'burst', 'corrupted',
      'duplicated', 'reordered', 'undeliverable', 'retransmissions', 'messages', 'delivered', 'lost', 'latency p50', 'p99'];
    table.appendChild(el('tr', null, ...head.map(function (h) { return el('th', { text: h }); })));
    for (const c of run.counters) {
      const k = c.from + '>' + c.to;
      const s = perLink[k] || { sent: 0, delivered: 0, lost: 0, lat: [] };
      s.lat.sort(function (a, b) { return a - b; });
      const cells = [peerName(c.from) + ' → ' + peerName(c.to), fmtCount(c.offered), fmtCount(c.offered_bytes),
        fmtCount(c.delivered), c.dropped_down, c.dropped_rate_limit, c.dropped_loss, c.dropped_burst, c.corrupted,
        c.duplicated, c.reordered, c.undeliverable, retxPer[k] || 0, fmtCount(s.sent), fmtCount(s.delivered), s.lost,
        s.lat.length ? fmtTime(percentile(s.lat, 0.5)) : '–', s.lat.length ? fmtTime(percentile(s.lat, 0.99)) : '–'];
      const row = el('tr', { className: 'link-row' });
      cells.forEach(function (v, i) {
        const bad = (i >= 4 && i <= 8 && Number(v) > 0) || (i === 15 && Number(v) > 0);
        row.appendChild(el('td', { className: bad ? 'bad' : '', text: String(v) }));
      });
      table.appendChild(row);
    }
    summarySection.appendChild(el('div', { style: 'overflow-x:auto' }, table));
    summarySection.appendChild(el('h2', { text: 'Delivery latency of messages (send to delivery)' }));
    const histWrap = el('div', { className: 'histogram' });
    const hist = el('canvas', { id: 'latency-histogram' });
    histWrap.appendChild(hist);
    summarySection.appendChild(histWrap);
    drawHistogram(hist);
    const peerRows = el('table', { className: 'counters', id: 'peer-counters' });
    peerRows.appendChild(el('tr', null, ...['peer', 'Steam ID', 'port', 'messages received', 'retransmissions',
      'rejected (checksum)', 'rejected (malformed)'].map(function (h) { return el('th', { text: h }); })));
    run.peers.forEach(function (p, i) {
      const r = run.result.peers[i] || {};
      peerRows.appendChild(el('tr', null, ...[p.name, p.steam_id, r.port || '–', r.messages_received || 0,
        r.retransmissions || 0, r.rejected_checksum || 0, r.rejected_malformed || 0].map(function (v) { return el('td', { text: String(v) }); })));
    });
    summarySection.appendChild(el('h2', { text: 'Peers' }));
    summarySection.appendChild(peerRows);
  }

  function drawHistogram(c) {
    const prep = state.prep;
    const w = Math.min(900, Math.max(400, (main.clientWidth || 800) - 20));
    const h = 200;
    const ctx = setupCanvas(c, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const all = prep.latencies;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = C.axis;
    if (all.length === 0) {
      ctx.fillText('no message was delivered', 20, h / 2);
      return;
    }
    const hi = Math.max(1, percentile(all, 0.995) * 1.05);
    const binsN = 50;
    const rel = new Array(binsN).fill(0);
    const unrel = new Array(binsN).fill(0);
    const bin = function (v) { return Math.min(binsN - 1, Math.floor(v / hi * binsN)); };
    for (const v of prep.relLat) rel[bin(v)]++;
    for (const v of prep.unrelLat) unrel[bin(v)]++;
    let max = 1;
    for (let i = 0; i < binsN; ++i) max = Math.max(max, rel[i] + unrel[i]);
    const left = 50;
    const bottom = h - 24;
    const bw = (w - left - 10) / binsN;
    for (let i = 0; i < binsN; ++i) {
      const hr = (bottom - 10) * rel[i] / max;
      const hu = (bottom - 10) * unrel[i] / max;
      ctx.fillStyle = C.reliable;
      ctx.fillRect(left + i * bw, bottom - hr, bw - 1, hr);
      ctx.fillStyle = C.unreliable;
      ctx.fillRect(left + i * bw, bottom - hr - hu, bw - 1, hu);
    }
    ctx.fillStyle = C.axis;
    ctx.textAlign = 'center';
    for (let i = 0; i <= 5; ++i) ctx.fillText(fmtTime(hi * i / 5), left + (w - left - 10) * i / 5, h - 10);
    ctx.textAlign = 'right';
    ctx.fillText(fmtCount(max), left - 4, 14);
    ctx.fillText('0', left - 4, bottom);
    ctx.textAlign = 'left';
    ctx.fillStyle = C.reliable;
    ctx.fillText('■ reliable', w - 160, 12);
    ctx.fillStyle = C.unreliable;
    ctx.fillText('■ unreliable', w - 90, 12);
  }

  // ---- selecting a run ----------------------------------------------------------------
  function show(index) {
    state.index = index;
    state.prep = prepare(DATA.runs[index]);
    const run = state.prep.run;
    status.textContent = '';
    status.appendChild(el('span', { className: 'badge ' + (run.result.passed ? 'pass' : 'fail'), text: run.result.passed ? 'PASS' : 'FAIL' }));
    status.appendChild(el('span', { className: 'muted', text: '  ' + run.name + ' · ' + run.file + ' · seed ' + run.seed +
      ' · trace ' + run.result.trace_hash + ' · ' + fmtTime(run.duration_us) + ' simulated' }));
    renderChecks();
    renderSummary();
    fit();
  }
  runSelect.onchange = function () { show(Number(runSelect.value)); };

  function selfCheck() {
    const stats = state.lastStats || {};
    const run = state.prep ? state.prep.run : null;
    const result = {
      runs: DATA.runs.length,
      lanes: document.querySelectorAll('#timeline .lane-label').length,
      peers: run ? run.peers.length : 0,
      messages: run ? run.msgs.send.length : 0,
      datagrams: run ? run.pkts.sent.length : 0,
      drops: state.prep ? state.prep.drops.length : 0,
      drops_drawn: stats.dropsDrawn || 0,
      lost_messages_drawn: stats.lostDrawn || 0,
      red_checks_drawn: stats.redChecks || 0,
      green_checks_drawn: stats.greenChecks || 0,
      failed_checks_listed: document.querySelectorAll('#checks li.check.fail').length,
      link_rows: document.querySelectorAll('#link-counters tr.link-row').length,
      problems: problems.slice(),
      load_ms: Math.round(performance.now() - started)
    };
    // How long one redraw takes, over the whole run and zoomed in.
    const t0 = state.t0;
    const t1 = state.t1;
    const before = performance.now();
    for (let i = 0; i < 3; ++i) draw();
    result.redraw_ms = Math.round((performance.now() - before) / 3);
    const d = state.prep ? state.prep.run.duration_us : 1;
    const zoomStart = performance.now();
    setWindow(d * 0.5, d * 0.5 + Math.max(2e5, d / 100));
    result.zoomed_redraw_ms = Math.round(performance.now() - zoomStart);
    result.zoomed_drops_drawn = state.lastStats ? state.lastStats.dropsDrawn : 0;
    state.t0 = t0;
    state.t1 = t1;
    draw();
    result.status = result.problems.length === 0 && result.lanes === result.peers && result.lanes > 0 ? 'ok' : 'fail';
    selfcheckNode.textContent = JSON.stringify(result);
    document.body.setAttribute('data-selfcheck', result.status);
    state.selfcheck = result;
    return result;
  }
  window.steamsimReport = { show: show, zoom: zoom, fit: fit, setWindow: setWindow, selfCheck: selfCheck };

  if (DATA.runs.length === 0) {
    main.textContent = 'No run was recorded.';
    document.body.setAttribute('data-selfcheck', 'fail');
    return;
  }
  // The URL may pick the run and the window: report.html#run=0&from=5800&to=6400 (ms).
  const wanted = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const kv = part.split('=');
    if (kv.length === 2) wanted[kv[0]] = Number(kv[1]);
  }
  let first = DATA.runs.findIndex(function (r) { return !r.result.passed; });
  if (first < 0) first = 0;
  if (Number.isInteger(wanted.run) && wanted.run >= 0 && wanted.run < DATA.runs.length) first = wanted.run;
  runSelect.value = String(first);
  show(first);
  if (Number.isFinite(wanted.from) && Number.isFinite(wanted.to) && wanted.to > wanted.from) {
    setWindow(wanted.from * 1000, wanted.to * 1000);
  }
  selfCheck();
})();
