namespace BindingBehaviour;

public static class OsNames
{
    /// <summary>The OS's token in snapshot file names, Verify's own (OSX for macOS), so that moving to Verify keeps the files.</summary>
    public static string SnapshotToken(this Os os) => os == Os.MacOS ? "OSX" : os.ToString();
}
