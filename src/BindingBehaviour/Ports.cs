using System.Net.Sockets;

namespace BindingBehaviour;

/// <summary>
/// Port discipline: the first socket binds port 0 and the others take the port it got. A scenario that needs one
/// port free for several protocols can lose it to another process between the two binds, so an attempt that is
/// expected to succeed may be retried with a fresh port a bounded number of times. Never retry one expected to fail.
/// </summary>
public static class Ports
{
    public const int Attempts = 5;

    /// <summary>Runs the scenario until it succeeds or is refused for a reason other than a taken port, at most <see cref="Attempts"/> times.</summary>
    public static Outcome RetryWhileTaken(Func<Outcome> scenario)
    {
        var outcome = scenario();
        for (var attempt = 1; attempt < Attempts && IsTaken(outcome.Error); attempt++)
        {
            outcome = scenario();
        }

        return outcome;
    }

    /// <summary>The refusals a port held by another process gives: in use, or (Windows, an exclusive holder) access denied.</summary>
    public static bool IsTaken(SocketError error) =>
        error is SocketError.AddressAlreadyInUse or SocketError.AccessDenied;
}
