"""Slash commands, autocomplete, buttons and follow-ups, end to end through discord.py."""

from __future__ import annotations

import asyncio

import pytest

from emulator import CallbackType
from tests.discord_harness import DiscordHarness, running_bot
from tests.emulator.canary_bot import CanaryBot


async def test_synced_slash_command_is_answered_within_three_seconds() -> None:
    async with running_bot(CanaryBot()) as harness:
        synced = {name for name, _ in harness.emulator.state.global_commands}
        assert synced == {"driver", "slow", "paddock", "tip"}

        handle = await harness.slash("driver", {"name": "Leclerc"})
        reply = await handle.response()

        assert reply["type"] == CallbackType.CHANNEL_MESSAGE
        assert reply["data"]["content"] == "You picked Leclerc"
        assert handle.callback_delay is not None and handle.callback_delay < 3
        assert handle.original is not None
        assert handle.original.type == 20
        assert [m.id for m in harness.emulator.messages_in(harness.world.general)] == [
            handle.original.id
        ]


async def test_autocomplete_offers_at_most_25_matching_choices_in_time() -> None:
    async with running_bot(CanaryBot()) as harness:
        handle = await harness.autocomplete("driver", {"name": "a"}, focused="name")
        await handle.response()

        choices = handle.choices
        assert 0 < len(choices) <= 25
        assert all("a" in choice["name"].lower() for choice in choices)
        assert handle.callback_delay is not None and handle.callback_delay < 3


async def test_button_press_edits_the_message_it_is_on() -> None:
    async with running_bot(CanaryBot()) as harness:
        command = await harness.slash("driver", {"name": "Norris"})
        await command.response()
        message = command.original
        assert message is not None and message.components

        press = await harness.press(message, "confirm", user=harness.world.fan)
        reply = await press.response()

        assert reply["type"] == CallbackType.UPDATE_MESSAGE
        assert message.content == "Confirmed"
        assert message.components == []
        assert message.edited_timestamp is not None


async def test_deferred_command_answers_with_a_follow_up() -> None:
    async with running_bot(CanaryBot()) as harness:
        handle = await harness.slash("slow")
        assert (await handle.response())["type"] == CallbackType.DEFERRED_CHANNEL_MESSAGE

        [message] = await handle.followup_messages(1)

        assert message.content == "done"
        # The first follow-up after a "thinking" defer replaces the loading message.
        assert message.id == handle.original_message_id
        assert not message.flags & 128


async def test_subcommand_group_receives_a_resolved_channel_option() -> None:
    async with running_bot(CanaryBot()) as harness:
        news = harness.world.news
        handle = await harness.slash(
            "paddock channel set", {"channel": news}, user=harness.world.moderator
        )
        reply = await handle.response()

        sent = handle.payload["data"]
        assert sent["options"][0]["options"][0]["options"][0]["value"] == str(news.id)
        assert str(news.id) in sent["resolved"]["channels"]
        assert reply["data"]["content"] == f"News will go to <#{news.id}>"
        assert reply["data"]["flags"] == 64
        assert harness.emulator.messages_in(harness.world.general) == []


async def test_modal_is_opened_and_submitted() -> None:
    async with running_bot(CanaryBot()) as harness:
        opener = await harness.slash("tip")
        assert (await opener.response())["type"] == CallbackType.MODAL

        submitted = await harness.emulator.submit_modal(opener, {"tip": "Pit stop at lap 30"})
        reply = await submitted.response()

        assert reply["data"]["content"] == "Thanks for: Pit stop at lap 30"


async def test_fifty_concurrent_interactions_are_all_answered() -> None:
    async with running_bot(CanaryBot()) as harness:
        handles = await asyncio.gather(
            *(harness.slash("driver", {"name": f"Driver {i}"}) for i in range(50))
        )
        replies = await asyncio.gather(*(handle.response() for handle in handles))

        assert [r["data"]["content"] for r in replies] == [
            f"You picked Driver {i}" for i in range(50)
        ]
        assert max(h.callback_delay or 99 for h in handles) < 3


async def test_a_gateway_parse_failure_fails_the_harness() -> None:
    harness_error: BaseException | None = None
    try:
        async with running_bot(CanaryBot()) as harness:
            payload = harness.emulator.interaction_factory.command(
                "driver", {"name": "Ocon"}, channel=harness.world.general
            )
            del payload["attachment_size_limit"]
            await harness.emulator.dispatch_interaction(payload)
            await asyncio.sleep(0.2)
    except AssertionError as exc:
        harness_error = exc
    assert harness_error is not None
    assert "connect task died" in str(harness_error)
    assert "attachment_size_limit" in str(harness_error)


async def test_an_answer_after_the_window_is_refused_and_fails_the_harness() -> None:
    harness = DiscordHarness(interaction_window=0.0)
    with pytest.raises(AssertionError) as failure:
        async with harness.running(CanaryBot()):
            handle = await harness.slash("driver", {"name": "Stroll"})
            await handle.wait_for(lambda h: bool(h.rejections))
            assert not handle.acknowledged
    assert "callback after" in str(failure.value)
    assert "Unknown interaction" in str(failure.value)
