using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Engine;

/// <summary>
/// Snapshots written from what an OS documents must never pass for observations: they carry a marker line, a run of
/// that OS compares the rest, and a match still hands the observation over as a .received.txt to accept.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    private const string Refusal = "outcome: bind:AddressAlreadyInUse\nnative: 10048\nmessage: Only one usage of each socket address";
    private const string Source = "Microsoft Learn, \"Windows Sockets Error Codes\"";

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"bindingbehaviour-snapshots-{Guid.NewGuid():N}");

    public SnapshotTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Verified => Path.Combine(directory, Snapshot.FileName("Claim", "Native", Os.Windows, "verified"));

    private string Received => Path.Combine(directory, Snapshot.FileName("Claim", "Native", Os.Windows, "received"));

    [Fact]
    public void A_documented_snapshot_starts_with_the_marker_and_its_source()
    {
        Snapshot.VerifyDocumented(directory, Refusal, Source, "Claim", "Native", Os.Windows, accept: true);

        File.ReadAllText(Verified).Should().Be($"# documented, not observed: {Source}\n{Refusal}");
    }

    [Fact]
    public void A_run_that_matches_a_documented_snapshot_passes_and_hands_over_its_observation_without_the_marker()
    {
        Snapshot.VerifyDocumented(directory, Refusal, Source, "Claim", "Native", Os.Windows, accept: true);

        Snapshot.Verify(directory, Refusal, "Claim", "Native", Os.Windows, accept: false);

        File.ReadAllText(Received).Should().Be(Refusal);
        File.ReadAllText(Verified).Should().StartWith(Snapshot.DocumentedMarker, "the documented snapshot is replaced only when someone accepts");
    }

    [Fact]
    public void A_run_that_differs_from_a_documented_snapshot_fails()
    {
        Snapshot.VerifyDocumented(directory, Refusal, Source, "Claim", "Native", Os.Windows, accept: true);
        const string other = "outcome: bind:AccessDenied\nnative: 10013\nmessage: An attempt was made";

        var verify = () => Snapshot.Verify(directory, other, "Claim", "Native", Os.Windows, accept: false);

        verify.Should().Throw<Xunit.Sdk.XunitException>().WithMessage("*does not match*");
        File.ReadAllText(Received).Should().Be(other);
    }

    [Fact]
    public void Accepting_a_matching_run_replaces_the_documented_snapshot_with_the_observed_one()
    {
        Snapshot.VerifyDocumented(directory, Refusal, Source, "Claim", "Native", Os.Windows, accept: true);

        Snapshot.Verify(directory, Refusal, "Claim", "Native", Os.Windows, accept: true);

        File.ReadAllText(Verified).Should().Be(Refusal);
        File.Exists(Received).Should().BeFalse();
    }

    [Fact]
    public void An_observed_snapshot_passes_without_leaving_a_received_file()
    {
        File.WriteAllText(Verified, Refusal);

        Snapshot.Verify(directory, Refusal, "Claim", "Native", Os.Windows, accept: false);

        File.Exists(Received).Should().BeFalse();
    }

    [Fact]
    public void An_observed_snapshot_outranks_what_the_os_documents()
    {
        const string observed = "outcome: bind:AddressAlreadyInUse\nnative: 10048\nmessage: localized text";
        File.WriteAllText(Verified, observed);

        Snapshot.VerifyDocumented(directory, Refusal, Source, "Claim", "Native", Os.Windows, accept: false);

        File.ReadAllText(Verified).Should().Be(observed);
    }

    [Fact]
    public void A_missing_snapshot_still_fails()
    {
        var verify = () => Snapshot.Verify(directory, Refusal, "Claim", "Native", Os.Windows, accept: false);

        verify.Should().Throw<Xunit.Sdk.XunitException>().WithMessage("*is missing*");
    }
}
