using BindingBehaviour.Evidence;
using BindingBehaviour.Matrix;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// results/attestations.json against the models and the claims: what a public test asserts on Windows or macOS in its
/// CI is the strongest evidence short of our own run, so the Windows and macOS models and expectations must follow it.
/// </summary>
public sealed class AttestationTests
{
    private static readonly Lazy<AttestationsFile> File =
        new(() => Attestations.Read(Path.Combine(Repository.Root, AttestationsFile.DefaultPath)));

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var attestation in File.Value.Attestations)
        {
            data.Add(attestation.Id);
        }

        return data;
    }

    [Fact]
    public void The_attestations_file_is_valid_and_not_empty()
    {
        File.Value.Attestations.Should().NotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_attested_cell_is_what_the_model_of_that_os_predicts(string id)
    {
        var attestation = Of(id);
        if (!HostOs.TryParse(attestation.Os, out var os) || attestation.Os == "FreeBSD")
        {
            return; // FreeBSD evidence has no model of its own; it is shown as FreeBSD and never checked against macOS.
        }

        foreach (var cell in attestation.Cells ?? [])
        {
            var predicted = PredictedCells(os).TryGetValue(cell, out var outcome) ? outcome : null;
            predicted.Should().NotBeNull($"{id} names cell \"{cell}\", which the {os} matrix does not have");
            predicted.Should().Be(attestation.Asserts, $"{id} ({attestation.Repository} {attestation.Path}:{attestation.Lines}) asserts it on {os}");
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_claim_level_attestation_is_accepted_by_the_claims_expectation(string id)
    {
        var attestation = Of(id);
        if (attestation.Claim is null)
        {
            return;
        }

        var claim = ClaimCatalog.All.SingleOrDefault(c => c.Id == attestation.Claim);
        claim.Should().NotBeNull($"{id} names claim \"{attestation.Claim}\"");
        var variant = claim!.Variants.SingleOrDefault(v => v.Layer == attestation.Layer);
        variant.Should().NotBeNull($"{id} names layer \"{attestation.Layer}\" of {attestation.Claim}");
        variant!.Expectations.Should().ContainKey(attestation.Os);
        variant.Expectations[attestation.Os].Accepts(attestation.Asserts).Should().BeTrue(
            $"{id} asserts {attestation.Asserts} on {attestation.Os}, and the claim's expectation \"{variant.Expectations[attestation.Os].Outcome}\" must accept it");
    }

    private static Attestation Of(string id) => File.Value.Attestations.Single(a => a.Id == id);

    private static readonly Dictionary<Os, Dictionary<string, string>> Cache = [];

    /// <summary>Every native and managed cell of an OS's matrix, keyed as attestations write them, with the model's prediction.</summary>
    private static Dictionary<string, string> PredictedCells(Os os)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(os, out var known))
            {
                return known;
            }

            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var layer in Enum.GetValues<Layer>())
            {
                var layout = MatrixLayout.For(os, layer);
                foreach (var cell in layout.Cells)
                {
                    cells[MatrixTsv.Key(layer, cell.A, cell.B).Replace('\t', ' ')] = DotNetOptionMapping.Predict(layout, cell).Code;
                }
            }

            Cache[os] = cells;
            return cells;
        }
    }
}
