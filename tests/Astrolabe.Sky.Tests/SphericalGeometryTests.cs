using Astrolabe.Sky;

namespace Astrolabe.Sky.Tests;

public class SphericalGeometryTests
{
    private static readonly SkyPolygon Octant = SkyPolygon.FromCoordinates([0, 0, 90, 0, 0, 90]);
    private static readonly SkyPolygon SmallSquare = SkyPolygon.FromCoordinates([10, 10, 12, 10, 12, 12, 10, 12]);

    [Fact]
    public void Distance_between_pole_and_equator_is_90_degrees() =>
        Assert.Equal(90, SphericalGeometry.Distance(123, 90, 10, 0), 9);

    [Fact]
    public void Distance_across_ra_zero_is_short() =>
        Assert.Equal(0.2, SphericalGeometry.Distance(359.9, 0, 0.1, 0), 9);

    [Fact]
    public void Distance_of_one_arcsecond_keeps_precision() =>
        Assert.Equal(1.0 / 3600, SphericalGeometry.Distance(10, 30, 10, 30 + 1.0 / 3600), 14);

    [Fact]
    public void Octant_area_is_one_eighth_of_the_sky() =>
        Assert.Equal(41252.96124941928 / 8, SphericalGeometry.PolygonArea(Octant), 6);

    [Fact]
    public void Polygon_area_does_not_depend_on_vertex_order()
    {
        var reversed = SkyPolygon.FromCoordinates([10, 12, 12, 12, 12, 10, 10, 10]);
        Assert.Equal(SphericalGeometry.PolygonArea(SmallSquare), SphericalGeometry.PolygonArea(reversed), 9);
        // A 2°×2° square near dec 11° covers about 4·cos(11°) square degrees.
        Assert.InRange(SphericalGeometry.PolygonArea(SmallSquare), 3.9, 3.95);
    }

    [Fact]
    public void Circle_area_of_the_whole_sky_is_41253_square_degrees() =>
        Assert.Equal(41252.96124941928, SphericalGeometry.CircleArea(180), 6);

    [Theory]
    [InlineData(11, 11, true)]
    [InlineData(13, 11, false)]
    [InlineData(191, -11, false)]
    [InlineData(10, 11, true)]
    public void Polygon_contains_point_inside_only(double ra, double dec, bool expected) =>
        Assert.Equal(expected, SphericalGeometry.PolygonContainsPoint(SmallSquare, new SkyPoint(ra, dec)));

    [Fact]
    public void Polygon_containment_agrees_with_the_octant_definition()
    {
        var random = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            double ra = random.NextDouble() * 360, dec = random.NextDouble() * 180 - 90;
            bool inOctant = ra > 0.01 && ra < 89.99 && dec > 0.01;
            bool outOfOctant = ra > 90.01 || dec < -0.01;
            bool contained = SphericalGeometry.PolygonContainsPoint(Octant, new SkyPoint(ra, dec));
            if (inOctant)
            {
                Assert.True(contained, $"({ra}, {dec})");
            }
            if (outOfOctant)
            {
                Assert.False(contained, $"({ra}, {dec})");
            }
        }
    }

    [Fact]
    public void Circle_contains_point_at_its_radius_but_not_beyond()
    {
        var circle = new SkyCircle(50, 20, 1);
        Assert.True(SphericalGeometry.CircleContainsPoint(circle, new SkyPoint(50, 20.999999)));
        Assert.False(SphericalGeometry.CircleContainsPoint(circle, new SkyPoint(50, 21.000001)));
    }

    [Fact]
    public void Centroid_of_a_symmetric_square_is_its_middle()
    {
        var c = SphericalGeometry.PolygonCentroid(SmallSquare);
        Assert.Equal(11, c.RaDeg, 9);
        Assert.InRange(c.DecDeg, 11.0, 11.02);
    }

    [Fact]
    public void Circles_intersect_when_closer_than_their_radii()
    {
        Assert.True(SphericalGeometry.CirclesIntersect(new SkyCircle(0, 0, 1), new SkyCircle(1.9, 0, 1)));
        Assert.False(SphericalGeometry.CirclesIntersect(new SkyCircle(0, 0, 1), new SkyCircle(2.1, 0, 1)));
    }

    [Fact]
    public void Circle_and_polygon_relations()
    {
        Assert.True(SphericalGeometry.PolygonContainsCircle(SmallSquare, new SkyCircle(11, 11, 0.5)));
        Assert.False(SphericalGeometry.PolygonContainsCircle(SmallSquare, new SkyCircle(11, 11, 1.5)));
        Assert.True(SphericalGeometry.CircleIntersectsPolygon(new SkyCircle(13, 11, 1.1), SmallSquare));
        Assert.False(SphericalGeometry.CircleIntersectsPolygon(new SkyCircle(14, 11, 1.1), SmallSquare));
        Assert.True(SphericalGeometry.CircleContainsPolygon(new SkyCircle(11, 11, 2), SmallSquare));
        Assert.False(SphericalGeometry.CircleContainsPolygon(new SkyCircle(11, 11, 1), SmallSquare));
    }

    [Fact]
    public void Polygons_intersect_when_edges_cross_even_if_no_vertex_is_inside()
    {
        var horizontal = SkyPolygon.FromCoordinates([9, 10.5, 13, 10.5, 13, 11.5, 9, 11.5]);
        var vertical = SkyPolygon.FromCoordinates([10.5, 9, 11.5, 9, 11.5, 13, 10.5, 13]);
        Assert.True(SphericalGeometry.PolygonsIntersect(horizontal, vertical));
        Assert.False(SphericalGeometry.PolygonContainsPolygon(horizontal, vertical));
        var far = SkyPolygon.FromCoordinates([50, 50, 51, 50, 51, 51]);
        Assert.False(SphericalGeometry.PolygonsIntersect(SmallSquare, far));
        var inner = SkyPolygon.FromCoordinates([10.5, 10.5, 11.5, 10.5, 11.5, 11.5]);
        Assert.True(SphericalGeometry.PolygonContainsPolygon(SmallSquare, inner));
    }
}
