package io.ballast.quant;

/**
 * The raw SVI calibration behind {@link SmileFitter}: an exact inner quadratic program in (a, d, c)
 * for fixed (m, σ), solved in closed form from the normal equations ({@link #inner}), and an outer
 * search over (m, ln σ): a grid and Nelder–Mead from scratch, Newton steps from a warm start. One
 * instance per fit (it holds scratch arrays, so an evaluation allocates nothing); not thread-safe.
 */
final class SviCalibration {

  /** Constraint rows G·(a, d, c) ≤ h; see {@link SmileFitter} for their meaning. */
  private static final double[][] G = {
      {0, 1, -1}, // d − c ≤ 0
      {0, -1, -1}, // −d − c ≤ 0
      {0, 1, 1}, // c + d ≤ 4σ
      {0, -1, 1}, // c − d ≤ 4σ
      {-1, 1, -1}, // −(a + c − d) ≤ 0
      {-1, -1, -1}, // −(a + c + d) ≤ 0
      {1, 0, 0}, // a ≤ max w
  };
  private static final int[][] ACTIVE_SETS = activeSets();
  /** Bit mask of each of {@link #ACTIVE_SETS}. */
  private static final int[] ACTIVE_MASKS = masks(ACTIVE_SETS);

  private static final int GRID = 6;
  private static final int MAX_EVALUATIONS = 400;
  /** Nelder–Mead stops when the simplex is smaller than this (m in units of R, and ln σ). */
  private static final double TOLERANCE = 1e-8;
  /** The warm start converges as tightly as the search from scratch, so both find the same optimum. */
  private static final double WARM_TOLERANCE = TOLERANCE;
  /** Newton's first difference spacing, its least, and its iterations (m in units of R, and ln σ). */
  private static final double NEWTON_FIRST_SPACING = 1e-3;
  private static final double NEWTON_MIN_SPACING = 1e-6;
  private static final int NEWTON_ITERATIONS = 8;
  /** Newton stops after a step shorter than this; longer than {@link #NEWTON_MAX_STEP} it gives up. */
  private static final double NEWTON_TOLERANCE = 1e-8;
  private static final double NEWTON_MAX_STEP = 0.1;
  /** The fallback simplex of the warm start: steps in m (times the strike range R) and in ln σ. */
  private static final double WARM_STEP_M = 0.01;
  private static final double WARM_STEP_LOG_SIGMA = 0.05;

  private final double[] k;
  private final double[] w;
  private final double[] omega;
  private final int n;
  private final double[] y;
  private final double[] z;
  private final double wMax;
  private final double mMin;
  private final double mMax;
  private final double logSigmaMin;
  private final double logSigmaMax;
  private final double range;

  // scratch for the inner problem
  private final double[] h = {0, 0, 0, 0, 0, 0, 0};
  // scratch of the general KKT elimination, needed only for a singular M: made on first use
  private double[][] mat;
  private double[] rhs;
  private double[][] kkt;
  private double[] solution;
  private final double[] candidate = new double[3];
  private final double[] best = new double[3];
  /** M⁻¹ g_r for each constraint row r, and g_r·p₀ − h_r, of the current inner solve. */
  private final double[][] minvG = new double[7][3];
  private final double[] excess = new double[7];
  /** ωᵢwᵢ, Σωᵢ and Σωᵢwᵢ: the parts of the normal equations that do not depend on (m, σ). */
  private final double[] omegaW;
  private final double sumOmega;
  private final double sumOmegaW;

  private int evaluations;
  private boolean atBound;
  /** The active set of the last inner solve that needed one (a hint for the next), or null. */
  private int[] lastOptimal;

  SviCalibration(double[] k, double[] w, double[] omega) {
    this.k = k;
    this.w = w;
    this.omega = omega;
    this.n = k.length;
    this.y = new double[n];
    this.z = new double[n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double top = 0;
    this.omegaW = new double[n];
    double s1 = 0;
    double sw = 0;
    for (int i = 0; i < n; i++) {
      omegaW[i] = omega[i] * w[i];
      s1 += omega[i];
      sw += omegaW[i];
      lo = Math.min(lo, k[i]);
      hi = Math.max(hi, k[i]);
      top = Math.max(top, w[i]);
    }
    this.wMax = top;
    this.sumOmega = s1;
    this.sumOmegaW = sw;
    this.range = Math.max(hi - lo, 1e-3);
    this.mMin = lo - range;
    this.mMax = hi + range;
    this.logSigmaMin = Math.log(1e-4);
    this.logSigmaMax = Math.log(4.0 * Math.max(range, 0.25));
    h[6] = wMax;
  }

  /** The search from scratch: a coarse grid, then two rounds of Nelder–Mead. */
  SviParameters calibrate() {
    // 1. Coarse grid.
    double bestM = 0;
    double bestL = 0;
    double bestF = Double.POSITIVE_INFINITY;
    double kLo = mMin + range;
    for (int i = 0; i < GRID; i++) {
      double m = kLo + range * i / (GRID - 1);
      for (int j = 0; j < GRID; j++) {
        double l = Math.log(range * 0.05 * Math.pow(2.0, j));
        double f = objective(m, l);
        if (f < bestF) {
          bestF = f;
          bestM = m;
          bestL = l;
        }
      }
    }
    // 2. Nelder–Mead, restarted once from its own result.
    double[] point = {bestM, bestL};
    nelderMead(point, 0.125 * range, 0.5, TOLERANCE);
    nelderMead(point, 0.02 * range, 0.1, TOLERANCE);
    return parametersAt(point);
  }

  /**
   * The search from a known good (m, σ), normally the previous fit of the same expiry, no grid: Newton
   * steps on the outer objective in (m/R, ln σ) with central-difference derivatives ({@link #newton}),
   * which converge quadratically from a start that close; if a step fails (the objective not convex
   * there, a step too long or not downhill, the box reached), one round of Nelder–Mead with a small
   * simplex around the best point so far, as the warm start always did. A local search; the caller
   * decides whether to trust it (see {@link #atBound()}).
   */
  SviParameters calibrateFrom(double m0, double sigma0) {
    double[] point = {clamp(m0, mMin, mMax), clamp(Math.log(sigma0), logSigmaMin, logSigmaMax)};
    if (!newton(point)) {
      nelderMead(point, WARM_STEP_M * range, WARM_STEP_LOG_SIGMA, WARM_TOLERANCE);
    }
    return parametersAt(point);
  }

  /**
   * Newton's method on f(m, ln σ) from {@code point}, with the gradient and Hessian from five
   * evaluations around the current point (central differences, and one more for the mixed term)
   * at a spacing that shrinks with the last step. Each step must lower f. Returns true when a step
   * shorter than {@link #NEWTON_TOLERANCE} (m in units of R, and ln σ) was taken — its error is
   * then of the order of its square, far inside Nelder–Mead's {@link #TOLERANCE} — leaving the
   * result in {@code point}; otherwise false, with the best point so far in {@code point}.
   */
  private boolean newton(double[] point) {
    double m = point[0];
    double l = point[1];
    double f0 = objective(m, l);
    double h = NEWTON_FIRST_SPACING;
    for (int iteration = 0; iteration < NEWTON_ITERATIONS; iteration++) {
      double hm = h * range;
      if (!(m - hm > mMin && m + hm < mMax && l - h > logSigmaMin && l + h < logSigmaMax)) {
        break;
      }
      double fmp = objective(m + hm, l);
      double fmm = objective(m - hm, l);
      double flp = objective(m, l + h);
      double flm = objective(m, l - h);
      double fpp = objective(m + hm, l + h);
      double g1 = (fmp - fmm) / (2 * h);
      double g2 = (flp - flm) / (2 * h);
      double h11 = (fmp - 2 * f0 + fmm) / (h * h);
      double h22 = (flp - 2 * f0 + flm) / (h * h);
      double h12 = (fpp - fmp - flp + f0) / (h * h);
      double det = h11 * h22 - h12 * h12;
      if (!(h11 > 0 && det > 0)) {
        break;
      }
      double s1 = -(h22 * g1 - h12 * g2) / det;
      double s2 = -(h11 * g2 - h12 * g1) / det;
      double step = Math.max(Math.abs(s1), Math.abs(s2));
      double nm = m + s1 * range;
      double nl = l + s2;
      if (!(step <= NEWTON_MAX_STEP && nm > mMin && nm < mMax && nl > logSigmaMin
          && nl < logSigmaMax)) {
        break;
      }
      double fn = objective(nm, nl);
      if (!(fn <= f0)) {
        // Not downhill: converged to rounding if the step was already tiny, else a failure.
        if (step < NEWTON_TOLERANCE) {
          point[0] = m;
          point[1] = l;
          return true;
        }
        break;
      }
      m = nm;
      l = nl;
      f0 = fn;
      if (step < NEWTON_TOLERANCE) {
        point[0] = m;
        point[1] = l;
        return true;
      }
      h = Math.max(NEWTON_MIN_SPACING, Math.min(NEWTON_FIRST_SPACING, 0.5 * step));
    }
    point[0] = m;
    point[1] = l;
    return false;
  }

  /** Whether the last result of {@link #calibrate()} or {@link #calibrateFrom} lies on the search box. */
  boolean atBound() {
    return atBound;
  }

  /** Inner solves (objective evaluations, and the final solve for the result) so far. */
  int evaluations() {
    return evaluations;
  }

  private SviParameters parametersAt(double[] point) {
    atBound = !(point[0] > mMin && point[0] < mMax && point[1] > logSigmaMin && point[1] < logSigmaMax);
    double m = clamp(point[0], mMin, mMax);
    double sigma = Math.exp(clamp(point[1], logSigmaMin, logSigmaMax));
    evaluations++;
    inner(m, sigma);
    double a = best[0];
    double d = best[1];
    double c = Math.max(best[2], 0.0);
    double b = c / sigma;
    double rho = c > 0 ? Math.max(-1.0, Math.min(1.0, d / c)) : 0.0;
    return SviParameters.of(a, b, rho, m, sigma);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private double objective(double m, double logSigma) {
    evaluations++;
    double mm = clamp(m, mMin, mMax);
    double ll = clamp(logSigma, logSigmaMin, logSigmaMax);
    double f = inner(mm, Math.exp(ll));
    // Outside the box: the value at the projection plus a gentle penalty, so the simplex comes back.
    double excess = Math.abs(m - mm) / range + Math.abs(logSigma - ll);
    return excess > 0 ? f * (1.0 + excess) + excess * 1e-30 : f;
  }

  /** Nelder–Mead in two dimensions (standard coefficients 1, 2, 1/2, 1/2). */
  private void nelderMead(double[] start, double stepM, double stepL, double tolerance) {
    double[][] p = {
        {start[0], start[1]},
        {start[0] + stepM, start[1]},
        {start[0], start[1] + stepL},
    };
    double[] f = {objective(p[0][0], p[0][1]), objective(p[1][0], p[1][1]),
        objective(p[2][0], p[2][1])};
    for (int used = 3; used < MAX_EVALUATIONS; ) {
      // order: p[0] best, p[2] worst
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2 - i; j++) {
          if (f[j + 1] < f[j]) {
            double tf = f[j];
            f[j] = f[j + 1];
            f[j + 1] = tf;
            double[] tp = p[j];
            p[j] = p[j + 1];
            p[j + 1] = tp;
          }
        }
      }
      double size = Math.max(
          Math.max(Math.abs(p[1][0] - p[0][0]), Math.abs(p[2][0] - p[0][0])) / range,
          Math.max(Math.abs(p[1][1] - p[0][1]), Math.abs(p[2][1] - p[0][1])));
      if (size < tolerance || f[2] - f[0] <= 1e-14 * f[0]) {
        break;
      }
      double cm = 0.5 * (p[0][0] + p[1][0]);
      double cl = 0.5 * (p[0][1] + p[1][1]);
      double rm = cm + (cm - p[2][0]);
      double rl = cl + (cl - p[2][1]);
      double fr = objective(rm, rl);
      used++;
      if (fr < f[0]) {
        double em = cm + 2.0 * (cm - p[2][0]);
        double el = cl + 2.0 * (cl - p[2][1]);
        double fe = objective(em, el);
        used++;
        if (fe < fr) {
          set(p[2], em, el);
          f[2] = fe;
        } else {
          set(p[2], rm, rl);
          f[2] = fr;
        }
      } else if (fr < f[1]) {
        set(p[2], rm, rl);
        f[2] = fr;
      } else {
        boolean outside = fr < f[2];
        double qm = outside ? cm + 0.5 * (rm - cm) : cm + 0.5 * (p[2][0] - cm);
        double ql = outside ? cl + 0.5 * (rl - cl) : cl + 0.5 * (p[2][1] - cl);
        double fq = objective(qm, ql);
        used++;
        if (fq < Math.min(fr, f[2])) {
          set(p[2], qm, ql);
          f[2] = fq;
        } else {
          for (int i = 1; i < 3; i++) {
            set(p[i], p[0][0] + 0.5 * (p[i][0] - p[0][0]), p[0][1] + 0.5 * (p[i][1] - p[0][1]));
            f[i] = objective(p[i][0], p[i][1]);
          }
          used += 2;
        }
      }
    }
    int arg = f[0] <= f[1] && f[0] <= f[2] ? 0 : (f[1] <= f[2] ? 1 : 2);
    start[0] = p[arg][0];
    start[1] = p[arg][1];
  }

  private static void set(double[] p, double m, double l) {
    p[0] = m;
    p[1] = l;
  }

  /**
   * The best (a, d, c) for fixed (m, σ), left in {@link #best}; returns the objective
   * Σ ω (a + d y + c z − w)².
   *
   * <p>One pass over the points builds the normal equations M p = v (M's (a, a) entry Σω and v's a
   * entry Σωw do not depend on (m, σ) and are summed once; Σωz² = Σωy² + Σω). The unconstrained
   * minimum p₀ = M⁻¹v comes from the adjugate; when it violates constraints, the optimum for an
   * active set A follows in closed form from the same M⁻¹: λ = (G_A M⁻¹ G_Aᵀ)⁻¹ (G_A p₀ − h_A),
   * p = p₀ − M⁻¹ G_Aᵀ λ, a 1×1 to 3×3 system, taken when λ ≥ 0 and p is feasible (the KKT
   * conditions, which only the optimum of this strictly convex problem meets). Only a numerically
   * singular M falls back to elimination on the full KKT system.
   */
  double inner(double m, double sigma) {
    double sy = 0;
    double sz = 0;
    double syy = 0;
    double syz = 0;
    double syw = 0;
    double szw = 0;
    double inv = 1.0 / sigma;
    for (int i = 0; i < n; i++) {
      double yi = (k[i] - m) * inv;
      double zi = Math.sqrt(yi * yi + 1.0);
      y[i] = yi;
      z[i] = zi;
      double oy = omega[i] * yi;
      double oz = omega[i] * zi;
      double ow = omegaW[i];
      sy += oy;
      sz += oz;
      syy += oy * yi;
      syz += oy * zi;
      syw += ow * yi;
      szw += ow * zi;
    }
    double s1 = sumOmega;
    double sw = sumOmegaW;
    double szz = syy + s1;
    h[2] = 4.0 * sigma;
    h[3] = 4.0 * sigma;
    double tolerance = 1e-12 * (wMax + 4.0 * sigma);

    // Unconstrained minimum first (the usual case near the optimum): M p = v by the adjugate.
    double c00 = syy * szz - syz * syz;
    double c01 = syz * sz - sy * szz;
    double c02 = sy * syz - syy * sz;
    double det = s1 * c00 + sy * c01 + sz * c02;
    if (Math.abs(det) > 1e-13 * Math.abs(s1 * syy * szz)) {
      double invDet = 1.0 / det;
      double i00 = c00 * invDet;
      double i01 = c01 * invDet;
      double i02 = c02 * invDet;
      double i11 = (s1 * szz - sz * sz) * invDet;
      double i12 = (sy * sz - s1 * syz) * invDet;
      double i22 = (s1 * syy - sy * sy) * invDet;
      double p0 = i00 * sw + i01 * syw + i02 * szw;
      double p1 = i01 * sw + i11 * syw + i12 * szw;
      double p2 = i02 * sw + i12 * syw + i22 * szw;
      candidate[0] = p0;
      candidate[1] = p1;
      candidate[2] = p2;
      int violated = violations(tolerance);
      if (violated == 0) {
        best[0] = p0;
        best[1] = p1;
        best[2] = p2;
        return residual(best);
      }
      // u_r = M⁻¹ g_r and r_r = g_r·p₀ − h_r for every constraint row.
      for (int r = 0; r < G.length; r++) {
        double[] g = G[r];
        double[] u = minvG[r];
        u[0] = i00 * g[0] + i01 * g[1] + i02 * g[2];
        u[1] = i01 * g[0] + i11 * g[1] + i12 * g[2];
        u[2] = i02 * g[0] + i12 * g[1] + i22 * g[2];
        excess[r] = g[0] * p0 + g[1] * p1 + g[2] * p2 - h[r];
      }
      double multiplierTolerance = -1e-12 * (Math.abs(sw) + 1e-300);
      // The optimal active set of the last solve first: along a search the optimum of nearby (m, σ)
      // usually has the same one. Any order of trying sets is correct, since a set is taken only when
      // it satisfies the KKT conditions (for this convex problem, only the optimum does).
      if (lastOptimal != null
          && closedForm(lastOptimal, p0, p1, p2, tolerance, multiplierTolerance)) {
        return residual(best);
      }
      // The optimal active set contains a constraint the unconstrained minimum violates: try those
      // sets first, then the others.
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < ACTIVE_SETS.length; i++) {
          boolean meets = (ACTIVE_MASKS[i] & violated) != 0;
          if (meets == (pass == 0)
              && closedForm(ACTIVE_SETS[i], p0, p1, p2, tolerance, multiplierTolerance)) {
            lastOptimal = ACTIVE_SETS[i];
            return residual(best);
          }
        }
      }
      // Not reached for a well-conditioned M (some active set is optimal); rounding at the edge
      // of the determinant test: the general search below.
    }
    if (mat == null) {
      mat = new double[3][3];
      rhs = new double[3];
      kkt = new double[6][7];
      solution = new double[6];
    }
    mat[0][0] = s1;
    mat[0][1] = sy;
    mat[0][2] = sz;
    mat[1][0] = sy;
    mat[1][1] = syy;
    mat[1][2] = syz;
    mat[2][0] = sz;
    mat[2][1] = syz;
    mat[2][2] = szz;
    rhs[0] = sw;
    rhs[1] = syw;
    rhs[2] = szw;
    return activeSets(0, false, tolerance);
  }

  /**
   * The minimum with the constraints of {@code set} held as equalities, from M⁻¹ ({@link #minvG})
   * and the unconstrained minimum p₀; if it satisfies the KKT conditions it is left in {@link #best}
   * and this returns true.
   */
  private boolean closedForm(int[] set, double p0, double p1, double p2, double tolerance,
      double multiplierTolerance) {
    double l0;
    double l1 = 0;
    double l2 = 0;
    double[] u0 = minvG[set[0]];
    double[] u1 = u0;
    double[] u2 = u0;
    if (set.length == 1) {
      double s00 = dot(G[set[0]], u0);
      if (!(s00 > 0)) {
        return false;
      }
      l0 = excess[set[0]] / s00;
    } else if (set.length == 2) {
      u1 = minvG[set[1]];
      double s00 = dot(G[set[0]], u0);
      double s01 = dot(G[set[0]], u1);
      double s11 = dot(G[set[1]], u1);
      double d = s00 * s11 - s01 * s01;
      if (!(d > 1e-12 * s00 * s11)) {
        return false;
      }
      double r0 = excess[set[0]];
      double r1 = excess[set[1]];
      l0 = (s11 * r0 - s01 * r1) / d;
      l1 = (s00 * r1 - s01 * r0) / d;
    } else {
      u1 = minvG[set[1]];
      u2 = minvG[set[2]];
      double s00 = dot(G[set[0]], u0);
      double s01 = dot(G[set[0]], u1);
      double s02 = dot(G[set[0]], u2);
      double s11 = dot(G[set[1]], u1);
      double s12 = dot(G[set[1]], u2);
      double s22 = dot(G[set[2]], u2);
      double a00 = s11 * s22 - s12 * s12;
      double a01 = s12 * s02 - s01 * s22;
      double a02 = s01 * s12 - s11 * s02;
      double d = s00 * a00 + s01 * a01 + s02 * a02;
      if (!(d > 1e-12 * s00 * s11 * s22)) {
        return false;
      }
      double a11 = s00 * s22 - s02 * s02;
      double a12 = s01 * s02 - s00 * s12;
      double a22 = s00 * s11 - s01 * s01;
      double r0 = excess[set[0]];
      double r1 = excess[set[1]];
      double r2 = excess[set[2]];
      l0 = (a00 * r0 + a01 * r1 + a02 * r2) / d;
      l1 = (a01 * r0 + a11 * r1 + a12 * r2) / d;
      l2 = (a02 * r0 + a12 * r1 + a22 * r2) / d;
    }
    if (!(l0 >= multiplierTolerance && l1 >= multiplierTolerance && l2 >= multiplierTolerance)) {
      return false;
    }
    candidate[0] = p0 - l0 * u0[0] - l1 * u1[0] - l2 * u2[0];
    candidate[1] = p1 - l0 * u0[1] - l1 * u1[1] - l2 * u2[1];
    candidate[2] = p2 - l0 * u0[2] - l1 * u1[2] - l2 * u2[2];
    if (violations(tolerance) != 0) {
      return false;
    }
    best[0] = candidate[0];
    best[1] = candidate[1];
    best[2] = candidate[2];
    return true;
  }

  private static double dot(double[] g, double[] u) {
    return g[0] * u[0] + g[1] * u[1] + g[2] * u[2];
  }

  /** Bit mask of the constraints that {@link #candidate} violates (the rows of {@link #G}). */
  private int violations(double tolerance) {
    double a = candidate[0];
    double d = candidate[1];
    double c = candidate[2];
    int mask = 0;
    mask |= d - c > tolerance ? 1 : 0;
    mask |= -d - c > tolerance ? 1 << 1 : 0;
    mask |= c + d > h[2] + tolerance ? 1 << 2 : 0;
    mask |= c - d > h[3] + tolerance ? 1 << 3 : 0;
    mask |= -a + d - c > tolerance ? 1 << 4 : 0;
    mask |= -a - d - c > tolerance ? 1 << 5 : 0;
    mask |= a > h[6] + tolerance ? 1 << 6 : 0;
    return mask;
  }


  /**
   * Tries the active sets (those meeting {@code mask} if {@code onlyMasked}) until one satisfies the
   * KKT conditions; returns its objective, or the best feasible objective seen, or +∞.
   */
  private double activeSets(int mask, boolean onlyMasked, double tolerance) {
    double bestValue = Double.POSITIVE_INFINITY;
    for (int[] set : ACTIVE_SETS) {
      if (onlyMasked) {
        int bits = 0;
        for (int c : set) {
          bits |= 1 << c;
        }
        if ((bits & mask) == 0) {
          continue;
        }
      }
      if (!solveKkt(mat, rhs, set) || violations(tolerance) != 0) {
        continue;
      }
      boolean optimal = true;
      for (int j = 0; j < set.length; j++) {
        optimal &= solution[3 + j] >= -1e-12 * (Math.abs(rhs[0]) + 1e-300);
      }
      double value = residual(candidate);
      if (optimal) {
        System.arraycopy(candidate, 0, best, 0, 3);
        lastOptimal = set;
        return value;
      }
      if (value < bestValue) {
        bestValue = value;
        System.arraycopy(candidate, 0, best, 0, 3);
      }
    }
    return bestValue;
  }

  private double residual(double[] p) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double e = p[0] + p[1] * y[i] + p[2] * z[i] - w[i];
      sum += omega[i] * e * e;
    }
    return sum;
  }

  /** Solves the KKT system for the constraints in {@code set} held as equalities. */
  private boolean solveKkt(double[][] mat, double[] rhs, int[] set) {
    int size = 3 + set.length;
    double[][] a = kkt;
    for (int r = 0; r < size; r++) {
      for (int c = 0; c <= size; c++) {
        a[r][c] = 0.0;
      }
    }
    for (int r = 0; r < 3; r++) {
      System.arraycopy(mat[r], 0, a[r], 0, 3);
      a[r][size] = rhs[r];
    }
    for (int j = 0; j < set.length; j++) {
      double[] g = G[set[j]];
      for (int c = 0; c < 3; c++) {
        a[c][3 + j] = g[c];
        a[3 + j][c] = g[c];
      }
      a[3 + j][size] = h[set[j]];
    }
    double scale = Math.abs(mat[0][0]) + Math.abs(mat[1][1]) + Math.abs(mat[2][2]) + 1.0;
    for (int col = 0; col < size; col++) {
      int pivot = col;
      for (int r = col + 1; r < size; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (!(Math.abs(a[pivot][col]) > 1e-14 * scale)) {
        return false;
      }
      double[] tmp = a[col];
      a[col] = a[pivot];
      a[pivot] = tmp;
      double inv = 1.0 / a[col][col];
      for (int r = col + 1; r < size; r++) {
        double factor = a[r][col] * inv;
        if (factor != 0) {
          for (int c = col; c <= size; c++) {
            a[r][c] -= factor * a[col][c];
          }
        }
      }
    }
    for (int r = size - 1; r >= 0; r--) {
      double v = a[r][size];
      for (int c = r + 1; c < size; c++) {
        v -= a[r][c] * solution[c];
      }
      solution[r] = v / a[r][r];
    }
    for (int i = 0; i < 3; i++) {
      candidate[i] = solution[i];
      if (!Double.isFinite(solution[i])) {
        return false;
      }
    }
    return true;
  }

  private static int[] masks(int[][] sets) {
    int[] masks = new int[sets.length];
    for (int i = 0; i < sets.length; i++) {
      for (int c : sets[i]) {
        masks[i] |= 1 << c;
      }
    }
    return masks;
  }

  /** All non-empty subsets of the 7 constraints of size up to 3, smallest first. */
  private static int[][] activeSets() {
    int count = 7 + 21 + 35;
    int[][] sets = new int[count][];
    int i = 0;
    for (int a = 0; a < 7; a++) {
      sets[i++] = new int[] {a};
    }
    for (int a = 0; a < 7; a++) {
      for (int b = a + 1; b < 7; b++) {
        sets[i++] = new int[] {a, b};
      }
    }
    for (int a = 0; a < 7; a++) {
      for (int b = a + 1; b < 7; b++) {
        for (int c = b + 1; c < 7; c++) {
          sets[i++] = new int[] {a, b, c};
        }
      }
    }
    return sets;
  }
}
