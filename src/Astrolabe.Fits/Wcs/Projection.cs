namespace Astrolabe.Fits;

/// <summary>
/// A celestial map projection (Calabretta &amp; Greisen 2002): native spherical (φ, θ) ↔ projection-plane
/// (x, y), all in degrees. Failing conversions (outside the projection's domain) return false.
/// </summary>
public abstract class Projection
{
    protected const double R0 = 180.0 / Math.PI;
    protected const double D2R = Math.PI / 180.0;

    /// <summary>Three-letter code as in CTYPE ("TAN", "SIN", ...).</summary>
    public abstract string Code { get; }

    /// <summary>Native latitude of the fiducial point: 90° for zenithal projections, 0° otherwise.</summary>
    public virtual double Theta0 => 0.0;

    public abstract bool Project(double phi, double theta, out double x, out double y);

    public abstract bool Deproject(double x, double y, out double phi, out double theta);

    /// <summary>
    /// The projection for a CTYPE code, with the PVi_m parameters of the latitude axis (index m).
    /// Throws <see cref="NotSupportedException"/> for codes not implemented.
    /// </summary>
    public static Projection Create(string code, IReadOnlyDictionary<int, double> parameters)
    {
        double Pv(int m, double fallback) => parameters.TryGetValue(m, out var v) ? v : fallback;
        return code switch
        {
            "TAN" => new Zenithal(code),
            "SIN" => new Orthographic(Pv(1, 0), Pv(2, 0)),
            "ARC" => new Zenithal(code),
            "ZEA" => new Zenithal(code),
            "STG" => new Zenithal(code),
            "CAR" => new PlateCarree(),
            "MER" => new Mercator(),
            "CEA" => new CylindricalEqualArea(Pv(1, 1.0)),
            "SFL" => new SansonFlamsteed(code),
            "AIT" => new HammerAitoff(),
            "MOL" => new Mollweide(),
            "PAR" => new Parabolic(),
            "CYP" => new CylindricalPerspective(Pv(1, 1.0), Pv(2, 1.0)),
            "AZP" when Pv(2, 0.0) == 0.0 => new ZenithalPerspective(Pv(1, 0.0)),
            _ => throw new NotSupportedException(
                $"Projection {code} is not supported (supported: TAN SIN ARC ZEA STG AZP (untilted) CAR MER CEA CYP SFL PAR AIT MOL)."),
        };
    }

    protected static double Atan2Deg(double y, double x) => Math.Atan2(y, x) * R0;

    /// <summary>Zenithal projections' plane coordinates from the radius and native longitude (WCS Paper II, eq. 12–13).</summary>
    protected static void FromPolar(double r, double phi, out double x, out double y)
    {
        x = r * Math.Sin(phi * D2R);
        y = -r * Math.Cos(phi * D2R);
    }

    /// <summary>The inverse: radius and native longitude (0 at the pole) of plane coordinates.</summary>
    protected static double ToPolar(double x, double y, out double phi)
    {
        var r = Math.Sqrt(x * x + y * y);
        phi = r == 0 ? 0.0 : Atan2Deg(x, -y);
        return r;
    }

    /// <summary>Zenithal projections (TAN, ARC, ZEA, STG): x = R sin φ, y = −R cos φ with R(θ) per projection.</summary>
    private sealed class Zenithal : Projection
    {
        public Zenithal(string code) => Code = code;

        public override string Code { get; }

        public override double Theta0 => 90.0;

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            double r;
            switch (Code)
            {
                case "TAN":
                    if (theta <= 0) { x = y = double.NaN; return false; }
                    r = R0 / Math.Tan(theta * D2R);
                    break;
                case "ARC":
                    r = 90.0 - theta;
                    break;
                case "ZEA":
                    r = 2 * R0 * Math.Sin((90.0 - theta) * D2R / 2);
                    break;
                default: // STG
                    if (theta <= -90) { x = y = double.NaN; return false; }
                    r = 2 * R0 * Math.Tan((90.0 - theta) * D2R / 2);
                    break;
            }
            FromPolar(r, phi, out x, out y);
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            var r = ToPolar(x, y, out phi);
            switch (Code)
            {
                case "TAN":
                    theta = Atan2Deg(R0, r);
                    return true;
                case "ARC":
                    theta = 90.0 - r;
                    if (theta < -90) { theta = double.NaN; return false; }
                    return true;
                case "ZEA":
                    var s = r / (2 * R0);
                    if (s > 1) { theta = double.NaN; return false; }
                    theta = 90.0 - 2 * Math.Asin(s) * R0;
                    return true;
                default: // STG
                    theta = 90.0 - 2 * Math.Atan(r / (2 * R0)) * R0;
                    return true;
            }
        }
    }

    /// <summary>SIN, slant orthographic with PV2_1 = ξ, PV2_2 = η (both 0: the plain orthographic).</summary>
    private sealed class Orthographic(double xi, double eta) : Projection
    {
        public override string Code => "SIN";

        public override double Theta0 => 90.0;

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            var t = theta * D2R;
            var p = phi * D2R;
            var oneMinusSin = 1 - Math.Sin(t);
            x = R0 * (Math.Cos(t) * Math.Sin(p) + xi * oneMinusSin);
            y = -R0 * (Math.Cos(t) * Math.Cos(p) - eta * oneMinusSin);
            // The far hemisphere is not visible (for the plain SIN: θ < 0).
            if (xi == 0 && eta == 0 && theta < 0) { x = y = double.NaN; return false; }
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            var X = x / R0;
            var Y = y / R0;
            if (xi == 0 && eta == 0)
            {
                var r2 = X * X + Y * Y;
                if (r2 > 1) { phi = theta = double.NaN; return false; }
                phi = r2 == 0 ? 0.0 : Atan2Deg(X, -Y);
                theta = Math.Acos(Math.Sqrt(r2)) * R0;
                return true;
            }
            var a = xi * xi + eta * eta + 1;
            var b = xi * (X - xi) + eta * (Y - eta);
            var c = (X - xi) * (X - xi) + (Y - eta) * (Y - eta) - 1;
            var d = b * b - a * c;
            if (d < 0) { phi = theta = double.NaN; return false; }
            var s1 = (-b + Math.Sqrt(d)) / a;
            var s2 = (-b - Math.Sqrt(d)) / a;
            // Of the two solutions take the one nearer the pole (θ nearer 90°).
            var s = Math.Abs(s1 - 1) < Math.Abs(s2 - 1) && s1 <= 1 + 1e-13 ? s1 : s2;
            if (s > 1 && s < 1 + 1e-13) s = 1;
            if (Math.Abs(s) > 1) { phi = theta = double.NaN; return false; }
            theta = Math.Asin(s) * R0;
            var z = 1 - s;
            phi = Atan2Deg(X - xi * z, -(Y - eta * z));
            return true;
        }
    }

    private sealed class PlateCarree : Projection
    {
        public override string Code => "CAR";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            x = phi;
            y = theta;
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            phi = x;
            theta = y;
            return Math.Abs(y) <= 90;
        }
    }

    private sealed class Mercator : Projection
    {
        public override string Code => "MER";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            x = phi;
            if (Math.Abs(theta) >= 90) { y = double.NaN; return false; }
            y = R0 * Math.Log(Math.Tan((90 + theta) * D2R / 2));
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            phi = x;
            theta = 2 * Math.Atan(Math.Exp(y / R0)) * R0 - 90;
            return true;
        }
    }

    private sealed class CylindricalEqualArea(double lambda) : Projection
    {
        public override string Code => "CEA";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            x = phi;
            y = R0 * Math.Sin(theta * D2R) / lambda;
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            phi = x;
            var s = lambda * y / R0;
            if (Math.Abs(s) > 1) { theta = double.NaN; return false; }
            theta = Math.Asin(s) * R0;
            return true;
        }
    }

    private sealed class SansonFlamsteed(string code) : Projection
    {
        public override string Code => code;

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            x = phi * Math.Cos(theta * D2R);
            y = theta;
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            theta = y;
            var c = Math.Cos(y * D2R);
            phi = c == 0 ? 0 : x / c;
            return Math.Abs(y) <= 90 && Math.Abs(phi) <= 180 + 1e-9;
        }
    }

    private sealed class HammerAitoff : Projection
    {
        public override string Code => "AIT";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            var t = theta * D2R;
            var half = phi * D2R / 2;
            var gamma = R0 * Math.Sqrt(2 / (1 + Math.Cos(t) * Math.Cos(half)));
            x = 2 * gamma * Math.Cos(t) * Math.Sin(half);
            y = gamma * Math.Sin(t);
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            var u = x / (4 * R0);
            var v = y / (2 * R0);
            var z2 = 1 - u * u - v * v;
            if (z2 < 0.5 - 1e-13) { phi = theta = double.NaN; return false; }
            var z = Math.Sqrt(Math.Max(z2, 0.5));
            phi = 2 * Atan2Deg(z * x / (2 * R0), 2 * z * z - 1);
            var s = y * z / R0;
            theta = Math.Asin(Math.Clamp(s, -1, 1)) * R0;
            return true;
        }
    }

    /// <summary>PAR, the parabolic (Craster) projection.</summary>
    private sealed class Parabolic : Projection
    {
        public override string Code => "PAR";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            x = phi * (2 * Math.Cos(2 * theta * D2R / 3) - 1);
            y = 180.0 * Math.Sin(theta * D2R / 3);
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            var s = y / 180.0;
            var d = 1 - 4 * s * s;
            if (Math.Abs(s) > 1 || d == 0) { phi = theta = double.NaN; return false; }
            theta = 3 * Math.Asin(s) * R0;
            phi = x / d;
            return Math.Abs(phi) <= 180 + 1e-9;
        }
    }

    /// <summary>CYP, cylindrical perspective with μ = PV2_1 and λ = PV2_2.</summary>
    private sealed class CylindricalPerspective(double mu, double lambda) : Projection
    {
        public override string Code => "CYP";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            x = lambda * phi;
            var d = mu + Math.Cos(theta * D2R);
            if (d == 0) { y = double.NaN; return false; }
            y = R0 * (mu + lambda) * Math.Sin(theta * D2R) / d;
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            phi = x / lambda;
            var eta = y / (R0 * (mu + lambda));
            var s = eta * mu / Math.Sqrt(eta * eta + 1);
            if (Math.Abs(s) > 1) { theta = double.NaN; return false; }
            theta = (Math.Atan2(eta, 1) + Math.Asin(s)) * R0;
            return true;
        }
    }

    /// <summary>AZP, zenithal perspective with μ = PV2_1 (untilted: PV2_2 = 0).</summary>
    private sealed class ZenithalPerspective(double mu) : Projection
    {
        public override string Code => "AZP";

        public override double Theta0 => 90.0;

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            var d = mu + Math.Sin(theta * D2R);
            if (d <= 0) { x = y = double.NaN; return false; }
            var r = R0 * (mu + 1) * Math.Cos(theta * D2R) / d;
            FromPolar(r, phi, out x, out y);
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            var r = ToPolar(x, y, out phi);
            var rho = r / (R0 * (mu + 1));
            var s = rho * mu / Math.Sqrt(rho * rho + 1);
            if (Math.Abs(s) > 1) { theta = double.NaN; return false; }
            theta = (Math.Atan2(1, rho) - Math.Asin(s)) * R0;
            return true;
        }
    }

    private sealed class Mollweide : Projection
    {
        public override string Code => "MOL";

        public override bool Project(double phi, double theta, out double x, out double y)
        {
            // Solve 2γ + sin 2γ = π sin θ for γ by Newton's method.
            var target = Math.PI * Math.Sin(theta * D2R);
            double gamma;
            if (Math.Abs(theta) >= 90) gamma = Math.CopySign(Math.PI / 2, theta);
            else
            {
                gamma = theta * D2R;
                for (var i = 0; i < 100; i++)
                {
                    var f = 2 * gamma + Math.Sin(2 * gamma) - target;
                    var df = 2 + 2 * Math.Cos(2 * gamma);
                    if (df == 0) break;
                    var step = f / df;
                    gamma -= step;
                    if (Math.Abs(step) < 1e-15) break;
                }
            }
            x = 2 * Math.Sqrt(2) / Math.PI * phi * Math.Cos(gamma);
            y = Math.Sqrt(2) * R0 * Math.Sin(gamma);
            return true;
        }

        public override bool Deproject(double x, double y, out double phi, out double theta)
        {
            var s = y / (Math.Sqrt(2) * R0);
            if (Math.Abs(s) > 1) { phi = theta = double.NaN; return false; }
            var gamma = Math.Asin(s);
            var c = Math.Cos(gamma);
            phi = c == 0 ? 0 : Math.PI * x / (2 * Math.Sqrt(2) * c);
            var t = (2 * gamma + Math.Sin(2 * gamma)) / Math.PI;
            theta = Math.Asin(Math.Clamp(t, -1, 1)) * R0;
            return Math.Abs(phi) <= 180 + 1e-9;
        }
    }
}
