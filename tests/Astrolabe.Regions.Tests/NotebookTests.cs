using Astrolabe.Regions.Pipeline;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Regions.Tests;

/// <summary>notebooks/roi-figures.ipynb executed by nbclient (Debian's Jupyter) on catalogues the pipeline wrote.</summary>
public sealed class NotebookTests
{
    private const string Execute = """
        import sys, nbformat
        from nbclient import NotebookClient
        nb = nbformat.read(sys.argv[1], as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
        images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
        print(f"errors={len(errors)} images={images}")
        """;

    private static string Notebook => Path.Combine(TestData.RepositoryRoot, "notebooks", "roi-figures.ipynb");

    [Fact]
    public async Task Notebook_draws_both_figures_for_cubes_spread_over_the_sky()
    {
        string dir = TestData.NewTempDirectory();
        DemoCubeSet.Write(Path.Combine(dir, "cubes"), 6, new SyntheticCubeSpec(), firstSeed: 500);
        string catalogue = Path.Combine(dir, "catalogue.vot");
        var report = await new RoiPipeline(new RoiPipelineOptions { Inputs = [Path.Combine(dir, "cubes")], Output = catalogue, Resume = false }).RunAsync();
        Assert.True(report.Regions > 5);

        AssertFigures(catalogue, dir);
    }

    [Fact]
    public async Task Notebook_draws_both_figures_for_one_field_from_a_fits_catalogue()
    {
        string dir = TestData.NewTempDirectory();
        string catalogue = Path.Combine(dir, "orion.fits");
        var report = await new RoiPipeline(new RoiPipelineOptions { Inputs = [TestData.AlmaCube], Output = catalogue, Resume = false }).RunAsync();
        Assert.True(report.Regions > 0);

        AssertFigures(catalogue, dir);
    }

    private static void AssertFigures(string catalogue, string dir)
    {
        string figures = Path.Combine(dir, "figures");
        string output = Python.Run(Execute, new Dictionary<string, string> { ["ROI_CATALOGUE"] = catalogue, ["ROI_FIGURES_DIR"] = figures }, Notebook, dir);
        Assert.Contains("errors=0 images=2", output);
        Assert.True(new FileInfo(Path.Combine(figures, "roi-sky.png")).Length > 10_000);
        Assert.True(new FileInfo(Path.Combine(figures, "roi-area-intensity.png")).Length > 10_000);
    }
}
