using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Tests;

/// <summary>What the generator needs from the engine's results format.</summary>
public sealed class EngineRoundTripTests
{
    [Fact]
    public void A_results_file_with_null_optional_fields_reads_back()
    {
        var results = Fixtures.Linux() with
        {
            Observations =
            [
                .. Fixtures.Linux().Observations.Select(o => o with { Detail = null, SkipReason = null }),
            ],
        };

        var read = ResultsJson.ParseRun(ResultsJson.WriteRun(results), "linux.json");

        read.Observations.Should().HaveCount(results.Observations.Count);
    }

    [Fact]
    public void A_results_file_written_by_the_engine_reads_back()
    {
        var text = ResultsJson.WriteRun(Fixtures.Linux());

        ResultsJson.WriteRun(ResultsJson.ParseRun(text, "linux.json")).Should().Be(text);
    }

    [Fact]
    public void A_catalog_written_by_the_engine_reads_back()
    {
        var text = ResultsJson.WriteCatalog(Fixtures.Catalog());

        ResultsJson.WriteCatalog(ResultsJson.ParseCatalog(text, "catalog.json")).Should().Be(text);
    }

    [Fact]
    public void A_results_file_of_schema_version_1_reads_as_a_run_with_the_hashes_of_its_code()
    {
        var legacy = Fixtures.LegacyLinux();

        var run = ResultsJson.ParseRun(ResultsJson.Serialize(legacy), "linux.json");

        run.Name.Should().Be("linux-5.10.0-legacy");
        run.SchemaVersion.Should().Be(1);
        run.Observations.Should().HaveCount(legacy.Observations.Count)
            .And.OnlyContain(o => o.BodyHash == BodyHash.Of(legacy.Claims.Single(c => c.Id == o.Claim).Variants.Single(v => v.Layer == o.Layer).Code));
    }

    [Fact]
    public void The_body_hash_is_sha256_of_the_code_as_shown_and_ignores_line_endings()
    {
        BodyHash.Of("a\nb").Should().Be(BodyHash.Of("a\r\nb"));
        BodyHash.Of("").Should().Be("e3b0c44298fc1c14");
        BodyHash.IsWellFormed(BodyHash.Of("x")).Should().BeTrue();
    }

    [Theory]
    [InlineData("outcome: bind:AddressAlreadyInUse\nnative: 98\nmessage: Address already in use\n", false, null)]
    [InlineData("# documented, not observed: Microsoft Learn, Windows Sockets Error Codes\noutcome: bind:AddressAlreadyInUse\nnative: 10048\nmessage: x", true, "Microsoft Learn, Windows Sockets Error Codes")]
    [InlineData("# documented, not observed\r\noutcome: ok", true, null)]
    public void A_snapshot_whose_first_line_says_documented_is_documented_not_observed(string content, bool documented, string? source)
    {
        var snapshot = CatalogBuilder.ReadSnapshot(content);

        snapshot.Documented.Should().Be(documented);
        snapshot.Source.Should().Be(source);
        snapshot.Text.Should().StartWith("outcome: ").And.NotContain("documented").And.NotContain("\r");
    }
}
