// Draws the portfolio charts from the JSON in #ballast-portfolio-data, once the page (Chart.js and
// report.js's chart defaults included) is loaded. Times are seconds since the start of the run.
document.addEventListener('DOMContentLoaded', function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('ballast-portfolio-data').textContent);
  var PARTS = [['delta', '#2563eb'], ['gamma', '#059669'], ['vega', '#7c3aed'], ['theta', '#d97706'],
               ['unexplained', '#9ca3af']];

  function points(ts, ys) {
    var out = [];
    for (var i = 0; i < ts.length; i++) {
      if (ys[i] !== null && ys[i] !== undefined) { out.push({x: ts[i], y: ys[i]}); }
    }
    return out;
  }
  function timeAxis() {
    return {type: 'linear', min: 0, max: Math.max(Math.ceil(DATA.duration), 1),
            title: {display: true, text: 'seconds since start'}};
  }
  function axis(title, position, stacked) {
    return {type: 'linear', position: position || 'left', stacked: !!stacked, title: {display: true, text: title},
            grid: {drawOnChartArea: position !== 'right'}};
  }
  function options(scales) {
    return {maintainAspectRatio: false, parsing: false, normalized: true, spanGaps: true,
            interaction: {mode: 'nearest', intersect: false}, scales: scales,
            plugins: {legend: {position: 'bottom'}}};
  }

  var builders = {
    equity: function (p) {
      return {type: 'line', data: {datasets: [
        {label: 'equity', data: points(p.t, p.equity), stepped: true, borderColor: '#2563eb', yAxisID: 'y'},
        {label: 'margin (worst loss)', data: points(p.t, p.margin), stepped: true, borderColor: '#dc2626',
         fill: 'origin', backgroundColor: 'rgba(220,38,38,0.08)', yAxisID: 'y'},
        {label: 'margin usage, %', data: points(p.t, p.usage), stepped: true, borderColor: '#f59e0b',
         borderDash: [4, 3], borderWidth: 1, yAxisID: 'y1'}
      ]}, options: options({x: timeAxis(), y: axis('USD'), y1: axis('margin usage, %', 'right')})};
    },
    explain: function (p) {
      var sets = PARTS.map(function (part) {
        return {label: part[0], data: points(p.t, p[part[0]]), stepped: true, borderColor: part[1],
                backgroundColor: part[1] + '55', borderWidth: 1, fill: 'stack', stack: 'parts'};
      });
      sets.push({label: 'total', data: points(p.t, p.total), stepped: true, borderColor: '#111827',
                 borderWidth: 1.5, fill: false, stack: 'total'});
      return {type: 'line', data: {datasets: sets},
              options: options({x: timeAxis(), y: axis('USD since the start of the day', 'left', true)})};
    }
  };

  document.querySelectorAll('canvas[data-portfolio-chart]').forEach(function (el) {
    var p = DATA.providers[el.dataset.provider];
    var build = builders[el.dataset.portfolioChart];
    if (p && build) { new Chart(el, build(p)); }
  });
});
