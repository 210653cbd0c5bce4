"""/paddock …: what moderators set, what everyone else is refused, one server at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import PaddockBot
from bot.delivery.servers import GuildConfig
from emulator import Channel, Member, Permission, Role
from storage.guilds import get_guild_config
from tests.cogs.conftest import audit_replies, make_bot
from tests.discord_harness import DiscordHarness, World

MANAGE_SERVER_REFUSAL = (
    "Only members with the **Manage Server** permission can change Paddock's settings."
)


async def config_of(harness: DiscordHarness, guild_id: int | None = None) -> GuildConfig:
    bot = harness.client
    assert isinstance(bot, PaddockBot)
    return await get_guild_config(bot.db.reader, guild_id or harness.world.guild.id)


async def run(
    harness: DiscordHarness,
    path: str,
    options: dict[str, Any] | None = None,
    *,
    user: Member | None = None,
    channel: Channel | None = None,
) -> dict[str, Any]:
    """Run a command as the moderator (by default); every answer here must be private."""
    handle = await harness.slash(
        path, options, user=user or harness.world.moderator, channel=channel
    )
    reply = await handle.response()
    assert reply["data"]["flags"] == 64, reply
    return dict(reply["data"])


def fields(reply: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in reply["embeds"][0]["fields"]}


async def test_show_starts_with_nothing_set(paddock: DiscordHarness) -> None:
    reply = await run(paddock, "paddock show")

    shown = fields(reply)
    assert shown["News channel"] == "not set"
    assert shown["Role ping"] == "nobody is pinged"
    assert shown["Filter: keywords"] == "any"
    assert "/paddock channel set" in reply["embeds"][0]["footer"]["text"]


@dataclass(frozen=True)
class Setting:
    """A setting a moderator sets to a channel or role, sees in /paddock show and clears."""

    command: str
    shown_as: str
    choose: Callable[[World], Channel | Role]
    mention: str
    stored: Callable[[GuildConfig], int | None]
    confirmed: str
    cleared: str


SETTINGS = [
    Setting(
        command="channel",
        shown_as="News channel",
        choose=lambda world: world.news,
        mention="<#{}>",
        stored=lambda config: config.news_channel_id,
        confirmed="News will be posted in {}.",
        cleared="News will no longer be posted in this server.",
    ),
    Setting(
        command="role",
        shown_as="Role ping",
        choose=lambda world: world.fans_role,
        mention="<@&{}>",
        stored=lambda config: config.ping_role_id,
        confirmed="New stories will ping {}.",
        cleared="New stories will not ping anyone.",
    ),
]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.command)
async def test_a_setting_is_confirmed_privately_shown_and_cleared(
    paddock: DiscordHarness, setting: Setting
) -> None:
    chosen = setting.choose(paddock.world)
    mention = setting.mention.format(chosen.id)

    reply = await run(paddock, f"paddock {setting.command} set", {setting.command: chosen})

    assert reply["content"] == setting.confirmed.format(mention)
    assert setting.stored(await config_of(paddock)) == chosen.id
    assert fields(await run(paddock, "paddock show"))[setting.shown_as] == mention
    # Confirmations are private: nothing was posted in the channel for everyone.
    assert paddock.emulator.messages_in(paddock.world.general) == []

    cleared = await run(paddock, f"paddock {setting.command} clear")
    assert cleared["content"] == setting.cleared
    assert setting.stored(await config_of(paddock)) is None


async def test_channel_the_bot_cannot_post_in_is_refused(news_db: Path) -> None:
    harness = DiscordHarness()
    world = harness.world
    bot_user = harness.emulator.state.bot_user
    harness.emulator.state.set_overwrite(
        world.news, world.guild.members[bot_user.id], deny=Permission.SEND_MESSAGES
    )
    async with harness.running(make_bot(news_db)):
        reply = await run(harness, "paddock channel set", {"channel": world.news})

        assert reply["content"].startswith(f"I can't post in <#{world.news.id}>")
        assert "Send Messages" in reply["content"]
        assert (await config_of(harness)).news_channel_id is None

        allowed = await run(harness, "paddock channel set", {"channel": world.general})
        assert allowed["content"] == f"News will be posted in <#{world.general.id}>."
        audit_replies(harness)


async def test_a_channel_without_read_message_history_is_set_with_a_note(news_db: Path) -> None:
    harness = DiscordHarness()
    world = harness.world
    bot_member = world.guild.members[harness.emulator.state.bot_user.id]
    harness.emulator.state.set_overwrite(
        world.news, bot_member, deny=Permission.READ_MESSAGE_HISTORY
    )
    async with harness.running(make_bot(news_db)):
        reply = await run(harness, "paddock channel set", {"channel": world.news})

        assert reply["content"].startswith(f"News will be posted in <#{world.news.id}>.")
        assert "Read Message History" in reply["content"]
        assert (await config_of(harness)).news_channel_id == world.news.id


async def test_filters_for_people_teams_and_keywords(paddock: DiscordHarness) -> None:
    added = await run(paddock, "paddock filter add", {"kind": "person", "value": "hamliton"})
    assert added["content"] == "Added the person filter **Lewis Hamilton**."
    added = await run(paddock, "paddock filter add", {"kind": "team", "value": "mclarn"})
    assert added["content"] == "Added the team filter **McLaren**."
    added = await run(paddock, "paddock filter add", {"kind": "keyword", "value": "  Pit   Stop "})
    assert added["content"] == "Added the keyword filter **pit stop**."

    config = await config_of(paddock)
    assert [(f.kind, f.value) for f in config.filters] == [
        ("keyword", "pit stop"),
        ("person", "lewis-hamilton"),
        ("team", "mclaren"),
    ]
    shown = fields(await run(paddock, "paddock show"))
    assert shown["Filter: people"] == "Lewis Hamilton"
    assert shown["Filter: teams"] == "McLaren"
    assert shown["Filter: keywords"] == "pit stop"

    removed = await run(paddock, "paddock filter remove", {"kind": "person", "value": "hamilton"})
    assert removed["content"] == "Removed the person filter **Lewis Hamilton**."
    removed = await run(paddock, "paddock filter remove", {"kind": "team", "value": "McLaren"})
    assert removed["content"] == "Removed the team filter **McLaren**."
    removed = await run(paddock, "paddock filter remove", {"kind": "keyword", "value": "pit stop"})
    assert removed["content"] == "Removed the keyword filter **pit stop**."
    assert (await config_of(paddock)).filters == ()


async def test_filter_mistakes_are_explained(paddock: DiscordHarness) -> None:
    bad = await run(paddock, "paddock filter add", {"kind": "keyword", "value": "x"})
    assert bad["content"].startswith("A keyword is 2–50 letters")
    bad = await run(paddock, "paddock filter add", {"kind": "keyword", "value": "**<@&1>**"})
    assert bad["content"].startswith("A keyword is 2–50 letters")
    unknown = await run(paddock, "paddock filter add", {"kind": "team", "value": "Brabham X"})
    assert unknown["content"].startswith("No team matches 'Brabham X'. Teams: Red Bull, ")
    nobody = await run(paddock, "paddock filter add", {"kind": "person", "value": "xyzzy"})
    assert nobody["content"].startswith("No one matches 'xyzzy'")
    missing = await run(paddock, "paddock filter remove", {"kind": "keyword", "value": "monza"})
    assert missing["content"] == "There is no keyword filter 'monza' in this server."

    await run(paddock, "paddock filter add", {"kind": "team", "value": "ferrari"})
    again = await run(paddock, "paddock filter add", {"kind": "team", "value": "Scuderia Ferrari"})
    assert again["content"] == "Ferrari is already a filter here."
    assert len((await config_of(paddock)).filters) == 1


async def test_at_most_25_filters_of_a_kind(paddock: DiscordHarness) -> None:
    for n in range(25):
        await run(paddock, "paddock filter add", {"kind": "keyword", "value": f"word{n}"})

    refused = await run(paddock, "paddock filter add", {"kind": "keyword", "value": "one more"})

    assert refused["content"] == ("This server already has 25 keywords filters; remove one first.")
    assert len((await config_of(paddock)).filters_of("keyword")) == 25
    # The limit is per kind: a team can still be added.
    team = await run(paddock, "paddock filter add", {"kind": "team", "value": "haas"})
    assert team["content"] == "Added the team filter **Haas**."


async def test_role_ping_refuses_everyone_and_warns_about_unmentionable_roles(
    paddock: DiscordHarness,
) -> None:
    world = paddock.world
    everyone = world.guild.roles[world.guild.id]

    refused = await run(paddock, "paddock role set", {"role": everyone})
    assert refused["content"] == "I won't ping @everyone. Pick a role made for news alerts."
    assert (await config_of(paddock)).ping_role_id is None

    quiet = await run(paddock, "paddock role set", {"role": world.moderator_role})
    assert "isn't mentionable" in quiet["content"]


async def test_pause_and_resume(paddock: DiscordHarness) -> None:
    await run(paddock, "paddock channel set", {"channel": paddock.world.news})

    paused = await run(paddock, "paddock pause")
    assert paused["content"].startswith("Paused.")
    config = await config_of(paddock)
    assert config.paused and config.news_channel_id == paddock.world.news.id
    assert fields(await run(paddock, "paddock show"))["State"].startswith("⏸️ paused")

    resumed = await run(paddock, "paddock resume")
    assert resumed["content"].startswith("Resumed")
    assert not (await config_of(paddock)).paused
    assert fields(await run(paddock, "paddock show"))["State"] == "▶️ posting"


async def test_members_without_manage_server_are_refused(paddock: DiscordHarness) -> None:
    world = paddock.world
    attempts: list[tuple[str, dict[str, Any] | None]] = [
        ("paddock show", None),
        ("paddock channel set", {"channel": world.news}),
        ("paddock channel clear", None),
        ("paddock filter add", {"kind": "keyword", "value": "monza"}),
        ("paddock filter remove", {"kind": "keyword", "value": "monza"}),
        ("paddock role set", {"role": world.fans_role}),
        ("paddock role clear", None),
        ("paddock pause", None),
        ("paddock resume", None),
    ]
    for path, options in attempts:
        reply = await run(paddock, path, options, user=world.fan)
        assert reply["content"] == MANAGE_SERVER_REFUSAL, path

    assert await config_of(paddock) == GuildConfig(guild_id=world.guild.id)


async def test_the_paddock_group_is_hidden_from_members_by_default(
    paddock: DiscordHarness,
) -> None:
    synced = paddock.emulator.state.find_command("paddock", None)
    assert synced is not None
    assert int(synced["default_member_permissions"]) == Permission.MANAGE_GUILD
    assert synced["dm_permission"] is False


async def test_one_servers_settings_are_invisible_to_another(news_db: Path) -> None:
    harness = DiscordHarness()
    state = harness.emulator.state
    other = state.create_guild("Rival Server")
    other_general = state.create_text_channel(other, "general")
    other_mod = state.add_member(
        other, state.create_user("rival-mod"), permissions=Permission.MANAGE_GUILD
    )
    # A member of both servers: the only way a channel of the first could even be named.
    state.add_member(harness.world.guild, other_mod.user)
    world = harness.world
    async with harness.running(make_bot(news_db)):
        await run(harness, "paddock channel set", {"channel": world.news})
        await run(harness, "paddock filter add", {"kind": "team", "value": "ferrari"})
        await run(harness, "paddock pause")

        shown = fields(await run(harness, "paddock show", user=other_mod, channel=other_general))
        assert shown["News channel"] == "not set"
        assert shown["Filter: teams"] == "any"
        assert "paused" not in shown["State"]

        # The rival server changes only its own settings.
        await run(harness, "paddock filter remove", {"kind": "team", "value": "ferrari"},
                  user=other_mod, channel=other_general)  # fmt: skip
        await run(harness, "paddock resume", user=other_mod, channel=other_general)
        await run(harness, "paddock channel set", {"channel": other_general},
                  user=other_mod, channel=other_general)  # fmt: skip
        # A channel of the first server cannot be chosen from the rival server.
        refused = await run(harness, "paddock channel set", {"channel": world.general},
                            user=other_mod, channel=other_general)  # fmt: skip
        assert refused["content"] == "I couldn't understand 'general'."

        mine = await config_of(harness)
        assert mine.news_channel_id == world.news.id
        assert mine.paused
        assert [f.value for f in mine.filters] == ["ferrari"]
        theirs = await config_of(harness, other.id)
        assert theirs.news_channel_id == other_general.id and not theirs.paused
        audit_replies(harness)


async def test_fan_commands_work_in_direct_messages(paddock: DiscordHarness) -> None:
    dm = paddock.world.fan_dm
    for path, options in (
        ("latest", {"count": 2}),
        ("quote", {"person": "russell"}),
        ("driver", {"name": "norris"}),
        ("story", {"words": "monaco"}),
    ):
        handle = await paddock.slash(path, options, channel=dm)
        await handle.response()
        assert handle.original is not None and handle.original.embeds, path
        assert not handle.original.ephemeral


async def test_paddock_settings_are_refused_in_direct_messages(paddock: DiscordHarness) -> None:
    reply = await run(paddock, "paddock show", channel=paddock.world.fan_dm, user=paddock.world.fan)

    assert reply["content"] == "This command only works inside a server."
