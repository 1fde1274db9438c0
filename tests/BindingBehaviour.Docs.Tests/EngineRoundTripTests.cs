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

        var read = ResultsJson.Parse(ResultsJson.Write(results), "linux.json");

        read.Observations.Should().HaveCount(results.Observations.Count);
    }

    [Fact]
    public void A_results_file_written_by_the_engine_reads_back()
    {
        var text = ResultsJson.Write(Fixtures.Linux());

        ResultsJson.Write(ResultsJson.Parse(text, "linux.json")).Should().Be(text);
    }
}
