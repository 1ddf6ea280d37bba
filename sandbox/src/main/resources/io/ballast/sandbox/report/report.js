// Draws the report's charts with Chart.js from the JSON in #ballast-data. Times are seconds since the
// start of the run.
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('ballast-data').textContent);
  var COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d'];

  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.elements.point.radius = 0;
  Chart.defaults.elements.line.borderWidth = 1.5;

  function points(ts, ys) {
    var out = [];
    for (var i = 0; i < ts.length; i++) {
      if (ys[i] !== null && ys[i] !== undefined) { out.push({x: ts[i], y: ys[i]}); }
    }
    return out;
  }
  function pairs(list) { return list.map(function (p) { return {x: p[0], y: p[1]}; }); }
  function shifted(ts, ys, offset, sign) {
    return points(ts, ys.map(function (b) { return b === null ? null : offset + sign * b; }));
  }
  function timeAxis() {
    return {type: 'linear', min: 0, max: Math.max(Math.ceil(DATA.duration), 1),
            title: {display: true, text: 'seconds since start'}};
  }
  function axis(title, position) {
    return {type: 'linear', position: position || 'left', title: {display: true, text: title},
            grid: {drawOnChartArea: position !== 'right'}};
  }
  function options(scales) {
    return {maintainAspectRatio: false, parsing: false, normalized: true, spanGaps: true,
            interaction: {mode: 'nearest', intersect: false}, scales: scales,
            plugins: {legend: {position: 'bottom'}}};
  }
  function keysOf(provider) {
    return Object.keys(DATA.keys).filter(function (k) { return DATA.keys[k].provider === provider; })
      .map(function (k) { return DATA.keys[k]; });
  }

  var builders = {
    delta: function (el) {
      var k = DATA.keys[el.dataset.key];
      var buys = k.hedges.filter(function (h) { return h.side === 'BUY'; });
      var sells = k.hedges.filter(function (h) { return h.side !== 'BUY'; });
      return {type: 'line', data: {datasets: [
        {label: '+band', data: shifted(k.t, k.band, k.target, 1), stepped: true, borderColor: '#10b981',
         borderDash: [4, 3], borderWidth: 1, fill: '+1', backgroundColor: 'rgba(16,185,129,0.08)'},
        {label: '\u2212band', data: shifted(k.t, k.band, k.target, -1), stepped: true, borderColor: '#10b981',
         borderDash: [4, 3], borderWidth: 1},
        {label: 'net delta', data: points(k.t, k.delta), stepped: true, borderColor: COLORS[0]},
        {label: 'net delta + pending hedge', data: points(k.t, k.effective), stepped: true,
         borderColor: '#f59e0b', borderDash: [2, 2], borderWidth: 1},
        {type: 'scatter', label: 'hedge: buy', data: buys.map(function (h) { return {x: h.t, y: h.y}; }),
         pointStyle: 'triangle', pointRadius: 5, backgroundColor: '#059669', borderColor: '#059669'},
        {type: 'scatter', label: 'hedge: sell', data: sells.map(function (h) { return {x: h.t, y: h.y}; }),
         pointStyle: 'triangle', rotation: 180, pointRadius: 5, backgroundColor: '#dc2626', borderColor: '#dc2626'}
      ]}, options: options({x: timeAxis(), y: axis('delta (' + k.underlying + ')')})};
    },
    greeks: function (el) {
      var k = DATA.keys[el.dataset.key];
      var g = k.greeks;
      var ends = [0, Math.max(Math.ceil(DATA.duration), 1)];
      function limit(value) { return value === null ? [] : ends.map(function (x) { return {x: x, y: value}; }); }
      function marks(type, side) {
        return k.optionHedges.filter(function (h) { return h.type === type && (h.side === 'BUY') === (side === 'BUY') && h.y !== null; })
          .map(function (h) { return {x: h.t, y: h.y}; });
      }
      var sets = [
        {label: '|dollar gamma|', data: points(g.t, g.dollarGamma), stepped: true, borderColor: COLORS[4], yAxisID: 'y'},
        {label: 'gamma limit', data: limit(k.gammaLimit), borderColor: COLORS[4], borderDash: [6, 3], borderWidth: 1,
         yAxisID: 'y'},
        {label: '|vega|', data: points(g.t, g.vega), stepped: true, borderColor: COLORS[6], yAxisID: 'y1'},
        {label: 'vega limit', data: limit(k.vegaLimit), borderColor: COLORS[6], borderDash: [6, 3], borderWidth: 1,
         yAxisID: 'y1'}
      ];
      [['GAMMA_HEDGE', 'y', 'gamma hedge'], ['VEGA_HEDGE', 'y1', 'vega hedge']].forEach(function (h) {
        sets.push({type: 'scatter', label: h[2] + ': buy', data: marks(h[0], 'BUY'), yAxisID: h[1],
                   pointStyle: 'triangle', pointRadius: 5, backgroundColor: '#059669', borderColor: '#059669'});
        sets.push({type: 'scatter', label: h[2] + ': sell', data: marks(h[0], 'SELL'), yAxisID: h[1],
                   pointStyle: 'triangle', rotation: 180, pointRadius: 5, backgroundColor: '#dc2626',
                   borderColor: '#dc2626'});
      });
      var y = axis('|dollar gamma|, USD per 1%');
      var y1 = axis('|vega|, USD per vol point', 'right');
      y.min = 0;
      y1.min = 0;
      return {type: 'line', data: {datasets: sets}, options: options({x: timeAxis(), y: y, y1: y1})};
    },
    expiry: function (el) {
      var k = DATA.keys[el.dataset.key];
      var e = k.byExpiry;
      return {type: 'bar', data: {labels: e.map(function (x) { return x.label; }), datasets: [
        {label: 'vega', data: e.map(function (x) { return x.vega; }), backgroundColor: COLORS[6], yAxisID: 'y'},
        {label: 'dollar gamma', data: e.map(function (x) { return x.dollarGamma; }), backgroundColor: COLORS[4],
         yAxisID: 'y1'}
      ]}, options: {maintainAspectRatio: false, scales: {x: {type: 'category', title: {display: true, text: 'expiry'}},
        y: axis('vega, USD per vol point'), y1: axis('dollar gamma, USD per 1%', 'right')},
        plugins: {legend: {position: 'bottom'}}}};
    },
    inventory: function (el) {
      var sets = [];
      keysOf(el.dataset.provider).forEach(function (k, i) {
        sets.push({label: k.underlying + ' mark value', data: points(k.t, k.mark), stepped: true,
                   borderColor: COLORS[i % COLORS.length], yAxisID: 'y'});
        sets.push({label: k.underlying + ' positions', data: points(k.t, k.positions), stepped: true,
                   borderColor: COLORS[i % COLORS.length], borderDash: [4, 3], borderWidth: 1, yAxisID: 'y1'});
      });
      return {type: 'line', data: {datasets: sets},
              options: options({x: timeAxis(), y: axis('mark value, USD'), y1: axis('positions', 'right')})};
    },
    'hedge-cost': function (el) {
      var sets = keysOf(el.dataset.provider).map(function (k, i) {
        return {label: k.underlying, data: pairs(k.cost), stepped: true, borderColor: COLORS[i % COLORS.length]};
      });
      return {type: 'line', data: {datasets: sets}, options: options({x: timeAxis(), y: axis('USD')})};
    },
    skew: function (el) {
      var u = DATA.underlyings[el.dataset.underlying];
      var sets = [];
      u.expiries.forEach(function (e, i) {
        var c = COLORS[i % COLORS.length];
        sets.push({label: e.label + ' ATM vol', data: pairs(e.atm), borderColor: c, yAxisID: 'y'});
        sets.push({label: e.label + ' RR25', data: pairs(e.rr25), borderColor: c, borderDash: [5, 3],
                   borderWidth: 1, yAxisID: 'y1'});
      });
      return {type: 'line', data: {datasets: sets},
              options: options({x: timeAxis(), y: axis('ATM vol, %'), y1: axis('RR25, vol points', 'right')})};
    },
    price: function (el) {
      var u = DATA.underlyings[el.dataset.underlying];
      return {type: 'line', data: {datasets: [{label: el.dataset.underlying, data: pairs(u.price),
              borderColor: COLORS[0]}]}, options: options({x: timeAxis(), y: axis('USD')})};
    }
  };

  document.querySelectorAll('canvas[data-chart]').forEach(function (el) {
    var build = builders[el.dataset.chart];
    if (build) { new Chart(el, build(el)); }
  });
})();
