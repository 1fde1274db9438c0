using System.Text;
using System.Text.RegularExpressions;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// A small stand-in for Verify (Verify.Xunit cannot be restored here, and upstream dropped xunit v2), following its
/// conventions so that moving to Verify is a package swap: files are named {Class}.{Method}[.{Linux|Windows|OSX}].verified.txt,
/// a mismatch or a missing snapshot writes {...}.received.txt and fails, and nothing is ever accepted automatically when
/// the CI variable is set. Locally, BINDINGBEHAVIOUR_ACCEPT_SNAPSHOTS=1 accepts what the run receives.
/// </summary>
public static partial class Snapshot
{
    public const string AcceptVariable = "BINDINGBEHAVIOUR_ACCEPT_SNAPSHOTS";

    public static string Directory { get; } = Path.Combine(Repository.ProjectDirectory, "Snapshots");

    public static string FileName(string className, string methodName, Os? os, string kind) =>
        os is { } name ? $"{className}.{methodName}.{name.SnapshotToken()}.{kind}.txt" : $"{className}.{methodName}.{kind}.txt";

    /// <summary>The snapshot of a refusal: what assertions do not compare but a reader wants to see.</summary>
    public static string OfRefusal(string code, int nativeCode, string message) =>
        $"outcome: {code}\nnative: {nativeCode}\nmessage: {message}";

    /// <summary>Replaces port numbers after an address ("127.0.0.1:40123", "[::1]:40123") so snapshots do not depend on the port the OS chose.</summary>
    public static string Scrub(string text) => PortAfterAddress().Replace(text, "${address}:{port}");

    /// <summary>The first line of a snapshot written from what an OS documents rather than from a run of that OS.</summary>
    public const string DocumentedMarker = "# documented, not observed: ";

    /// <summary>
    /// Checks what this run received against the snapshot of the OS it runs on. A documented snapshot (first line
    /// <see cref="DocumentedMarker"/>) is compared without its marker; when it matches, the test passes and the run still
    /// writes its observation, without the marker, to .received.txt, so that accepting it replaces the documented
    /// snapshot with an observed one knowingly. A mismatch or a missing snapshot writes .received.txt and fails.
    /// </summary>
    public static void Verify(string content, string className, string methodName, Os? os) =>
        Verify(Directory, content, className, methodName, os, AcceptLocally);

    public static void Verify(string directory, string content, string className, string methodName, Os? os, bool accept)
    {
        var text = Normalize(Scrub(content));
        var verified = Path.Combine(directory, FileName(className, methodName, os, "verified"));
        var received = Path.Combine(directory, FileName(className, methodName, os, "received"));
        var stored = File.Exists(verified) ? Normalize(File.ReadAllText(verified, Encoding.UTF8)) : null;

        if (stored == text)
        {
            File.Delete(received);
            return;
        }

        if (stored is not null && WithoutMarker(stored) is { } documented && documented == text)
        {
            if (accept)
            {
                Write(verified, text);
                File.Delete(received);
            }
            else
            {
                Write(received, text);
            }

            return;
        }

        Fail(verified, received, text, accept);
    }

    /// <summary>
    /// Keeps the documented snapshot of an OS this run is not on: <paramref name="content"/> under the marker naming
    /// <paramref name="source"/>. An observed snapshot of that OS (no marker) outranks what the OS documents and is left as it is.
    /// </summary>
    public static void VerifyDocumented(string content, string source, string className, string methodName, Os os) =>
        VerifyDocumented(Directory, content, source, className, methodName, os, AcceptLocally);

    public static void VerifyDocumented(string directory, string content, string source, string className, string methodName, Os os, bool accept)
    {
        var text = DocumentedMarker + source + "\n" + Normalize(Scrub(content));
        var verified = Path.Combine(directory, FileName(className, methodName, os, "verified"));
        var received = Path.Combine(directory, FileName(className, methodName, os, "received"));
        var stored = File.Exists(verified) ? Normalize(File.ReadAllText(verified, Encoding.UTF8)) : null;

        if (stored == text || (stored is not null && WithoutMarker(stored) is null))
        {
            return;
        }

        Fail(verified, received, text, accept);
    }

    /// <summary>The text under a documented snapshot's marker line, or null when the snapshot was observed.</summary>
    public static string? WithoutMarker(string snapshot)
    {
        if (!snapshot.StartsWith(DocumentedMarker, StringComparison.Ordinal))
        {
            return null;
        }

        var newline = snapshot.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? "" : snapshot[(newline + 1)..];
    }

    private static void Fail(string verified, string received, string text, bool accept)
    {
        if (accept)
        {
            Write(verified, text);
            File.Delete(received);
            return;
        }

        Write(received, text);
        var problem = File.Exists(verified) ? "does not match" : "is missing";
        throw new Xunit.Sdk.XunitException(
            $"The snapshot {Path.GetFileName(verified)} {problem}. What this run received is in {Repository.Relative(received)}:\n{text}\n"
            + $"If it is right, accept it: rename the .received.txt to .verified.txt (or run the tests with {AcceptVariable}=1 outside CI).");
    }

    private static bool AcceptLocally =>
        Environment.GetEnvironmentVariable(AcceptVariable) == "1"
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF').TrimEnd('\n');

    private static void Write(string path, string text)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    [GeneratedRegex(@"(?<address>\d+\.\d+\.\d+\.\d+|\[[0-9A-Fa-f:.%]+\]):\d{1,5}\b")]
    private static partial Regex PortAfterAddress();
}
