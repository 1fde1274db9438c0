namespace BindingBehaviour;

/// <summary>The operating systems a claim states an expectation for; snapshot files use Verify's tokens (<see cref="OsNames.SnapshotToken"/>).</summary>
public enum Os
{
    Linux,
    Windows,
    MacOS,
}
