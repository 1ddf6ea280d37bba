package io.ballast.quant;

/**
 * The raw SVI calibration as it was before the closed-form inner solve and the warm-start finish
 * (commit 442264f), kept verbatim in the test sources only, as the reference new fits must not be
 * worse than ({@link SviWarmSequenceTest}). {@link #fit} repeats what {@link SmileFitter#fit} did
 * around it for five strikes or more.
 */
public final class ReferenceSviCalibration {

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

  private static final int GRID = 6;
  private static final int MAX_EVALUATIONS = 400;
  /** Nelder–Mead stops when the simplex is smaller than this (m in units of R, and ln σ). */
  private static final double TOLERANCE = 1e-8;
  /** The warm start converges as tightly as the search from scratch, so both find the same optimum. */
  private static final double WARM_TOLERANCE = TOLERANCE;
  /** The warm start's simplex: steps in m (times the strike range R) and in ln σ. */
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
  private final double[][] mat = new double[3][3];
  private final double[] rhs = new double[3];
  private final double[][] kkt = new double[6][7];
  private final double[] solution = new double[6];
  private final double[] candidate = new double[3];
  private final double[] best = new double[3];

  private int evaluations;
  private boolean atBound;
  /** The active set of the last inner solve that needed one (a hint for the next), or null. */
  private int[] lastOptimal;

  ReferenceSviCalibration(double[] k, double[] w, double[] omega) {
    this.k = k;
    this.w = w;
    this.omega = omega;
    this.n = k.length;
    this.y = new double[n];
    this.z = new double[n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double top = 0;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, k[i]);
      hi = Math.max(hi, k[i]);
      top = Math.max(top, w[i]);
    }
    this.wMax = top;
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
   * The search from a known good (m, σ), normally the previous fit of the same expiry: one round of
   * Nelder–Mead with a small simplex around it, no grid. A local search; the caller decides whether
   * to trust it (see {@link #atBound()}).
   */
  SviParameters calibrateFrom(double m0, double sigma0) {
    double[] point = {clamp(m0, mMin, mMax), clamp(Math.log(sigma0), logSigmaMin, logSigmaMax)};
    nelderMead(point, WARM_STEP_M * range, WARM_STEP_LOG_SIGMA, WARM_TOLERANCE);
    return parametersAt(point);
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
   */
  double inner(double m, double sigma) {
    double s1 = 0;
    double sy = 0;
    double sz = 0;
    double syy = 0;
    double syz = 0;
    double sw = 0;
    double syw = 0;
    double szw = 0;
    double inv = 1.0 / sigma;
    for (int i = 0; i < n; i++) {
      double yi = (k[i] - m) * inv;
      double zi = Math.sqrt(yi * yi + 1.0);
      y[i] = yi;
      z[i] = zi;
      double o = omega[i];
      double oy = o * yi;
      double oz = o * zi;
      s1 += o;
      sy += oy;
      sz += oz;
      syy += oy * yi;
      syz += oy * zi;
      sw += o * w[i];
      syw += oy * w[i];
      szw += oz * w[i];
    }
    double szz = syy + s1;
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
    h[2] = 4.0 * sigma;
    h[3] = 4.0 * sigma;
    double tolerance = 1e-12 * (wMax + 4.0 * sigma);

    // Unconstrained minimum first (the usual case near the optimum): M p = v by Cramer's rule.
    double c00 = syy * szz - syz * syz;
    double c01 = syz * sz - sy * szz;
    double c02 = sy * syz - syy * sz;
    double det = s1 * c00 + sy * c01 + sz * c02;
    if (Math.abs(det) > 1e-13 * Math.abs(s1 * syy * szz)) {
      double c11 = s1 * szz - sz * sz;
      double c12 = sy * sz - s1 * syz;
      double c22 = s1 * syy - sy * sy;
      double invDet = 1.0 / det;
      candidate[0] = (c00 * sw + c01 * syw + c02 * szw) * invDet;
      candidate[1] = (c01 * sw + c11 * syw + c12 * szw) * invDet;
      candidate[2] = (c02 * sw + c12 * syw + c22 * szw) * invDet;
      int violated = violations(tolerance);
      if (violated == 0) {
        System.arraycopy(candidate, 0, best, 0, 3);
        return residual(candidate);
      }
      // The optimal active set of the last solve first: along a search the optimum of nearby (m, σ)
      // usually has the same one. Any order of trying sets is correct, since a set is taken only when
      // it satisfies the KKT conditions (for this convex problem, only the optimum does).
      if (lastOptimal != null) {
        double hinted = tryActiveSet(lastOptimal, tolerance);
        if (hinted < Double.POSITIVE_INFINITY) {
          return hinted;
        }
      }
      // The optimal active set contains a constraint the unconstrained minimum violates: try those
      // sets first.
      double value = activeSets(violated, true, tolerance);
      if (value < Double.POSITIVE_INFINITY) {
        return value;
      }
    }
    return activeSets(0, false, tolerance);
  }

  /** The objective with the constraints of {@code set} active if that satisfies the KKT conditions, else +∞. */
  private double tryActiveSet(int[] set, double tolerance) {
    if (!solveKkt(mat, rhs, set) || violations(tolerance) != 0) {
      return Double.POSITIVE_INFINITY;
    }
    for (int j = 0; j < set.length; j++) {
      if (!(solution[3 + j] >= -1e-12 * (Math.abs(rhs[0]) + 1e-300))) {
        return Double.POSITIVE_INFINITY;
      }
    }
    System.arraycopy(candidate, 0, best, 0, 3);
    return residual(candidate);
  }

  /** Bit mask of the constraints that {@link #candidate} violates. */
  private int violations(double tolerance) {
    int mask = 0;
    for (int r = 0; r < G.length; r++) {
      double g = G[r][0] * candidate[0] + G[r][1] * candidate[1] + G[r][2] * candidate[2];
      if (g > h[r] + tolerance) {
        mask |= 1 << r;
      }
    }
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

  /** An old-algorithm SVI fit: its parameters, rmse (in vol) and objective evaluations. */
  public record Fit(SviParameters svi, double rmse, int evaluations, boolean warmRejected) {
  }

  /** What {@link SmileFitter#fit} did before, for n ≥ 5 strikes and equal weights. */
  public static Fit fit(double forward, double tau, double[] strikes, double[] vols, int n,
      SmileFitter.WarmStart start) {
    double[] k = new double[n];
    double[] w = new double[n];
    double[] omega = new double[n];
    for (int i = 0; i < n; i++) {
      k[i] = Math.log(strikes[i] / forward);
      w[i] = vols[i] * vols[i] * tau;
      omega[i] = 1.0 / w[i];
    }
    ReferenceSviCalibration calibration = new ReferenceSviCalibration(k, w, omega);
    SviParameters svi = null;
    double rmse = Double.NaN;
    boolean rejected = false;
    if (start != null) {
      svi = calibration.calibrateFrom(start.svi().m(), start.svi().sigma());
      rmse = rmse(k, vols, n, tau, svi);
      if (calibration.atBound() || !(rmse <= start.acceptableRmse())) {
        svi = null;
        rejected = true;
      }
    }
    if (svi == null) {
      svi = calibration.calibrate();
      rmse = rmse(k, vols, n, tau, svi);
    }
    return new Fit(svi, rmse, calibration.evaluations(), rejected);
  }

  private static double rmse(double[] k, double[] vols, int n, double tau, SviParameters svi) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double e = Math.sqrt(Math.max(svi.totalVariance(k[i]), 0.0) / tau) - vols[i];
      sum += e * e;
    }
    return Math.sqrt(sum / n);
  }
}
