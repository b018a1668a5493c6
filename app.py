"""The Gradio app: 撰写 (writers), 审查 (reviewers), 知识库 (everyone). A thin shell over ``assistant``.

Run ``python app.py`` (or ``make run``). It binds 127.0.0.1:7860 unless ``GRADIO_SERVER_NAME`` /
``GRADIO_SERVER_PORT`` say otherwise; binding anywhere else requires the users file
(``ASSISTANT_USERS_FILE``) so nobody reaches the app without logging in.
"""

from __future__ import annotations

import argparse
import os
import sys

import gradio as gr

from assistant.config import Settings, get_settings
from assistant.webapp import access, views
from assistant.webapp.knowledge_tab import build_knowledge_tab, wire_knowledge_tab
from assistant.webapp.review_tab import build_review_tab, wire_review_tab
from assistant.webapp.writer import build_writer_tab, wire_writer_tab


def build_app(settings: Settings | None = None) -> gr.Blocks:
    settings = settings or get_settings()
    with gr.Blocks(title="智能工厂申报助手") as demo:
        gr.Markdown(views.banner(settings), elem_id="mode-banner")
        with gr.Tab("撰写"):
            writer = build_writer_tab()
        with gr.Tab("审查"):
            review = build_review_tab()
        with gr.Tab("知识库"):
            knowledge = build_knowledge_tab()
        wire_writer_tab(demo, writer, settings)
        wire_review_tab(review, settings)
        wire_knowledge_tab(knowledge, settings)
    return demo


def serve(demo: gr.Blocks, settings: Settings, host: str, port: int, **launch_options) -> None:
    """Launch as ``python app.py`` does; tests and benchmarks call this too so they see the same page
    (Gradio 6 takes the stylesheet at launch, not in the Blocks).

    Never a public share link (``GRADIO_SHARE`` or a hosted notebook would open a tunnel with no
    login); only known Host names are answered; Gradio's upload cache is emptied of old files."""
    from starlette.middleware import Middleware

    from assistant.webapp.guard import RequestGuard, allowed_hosts

    hosts = allowed_hosts(host, settings.allowed_hosts)
    users = getattr(launch_options.get("auth"), "users", None)
    launch_options["share"] = False
    age = int(settings.upload_cache_hours * 3600)
    demo.delete_cache = (max(60, age // 4), age)
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(
        server_name=host,
        server_port=port,
        max_file_size=settings.max_upload_mb * 1024 * 1024,
        css=views.CSS,
        show_error=True,
        footer_links=[],  # "Use via API · Built with Gradio · Settings" is English and not for the offices using it
        app_kwargs={"middleware": [Middleware(RequestGuard, hosts=hosts, users=users)]},
        **launch_options,
    )


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="智能工厂申报助手网页（撰写、审查、知识库）。未配置大模型时以离线模式运行。",
    )
    parser.add_argument(
        "--host",
        default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        help="绑定地址（默认 127.0.0.1，或环境变量 GRADIO_SERVER_NAME）；非本机地址须配置 ASSISTANT_USERS_FILE",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        help="端口（默认 7860，或环境变量 GRADIO_SERVER_PORT）",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """``argv``: the command line's options; None (a caller in Python) takes the defaults."""
    args = _arguments(argv or [])
    settings = get_settings()
    host, port = args.host, args.port
    auth = access.auth_for(host, settings)
    demo = build_app(settings)
    # settings.mode shows the endpoint URL with any user:password@ masked.
    print(f"智能工厂申报助手：http://{host}:{port}　{settings.mode}", flush=True)
    if auth is not None:  # off loopback: say which names the browser may use (others get 400)
        from assistant.webapp.guard import allowed_hosts

        names = "、".join(sorted(allowed_hosts(host, settings.allowed_hosts)))
        print(f"允许的访问地址：{names}（其他名称请加入 ASSISTANT_ALLOWED_HOSTS）", flush=True)
    serve(demo, settings, host, port, auth=auth)


if __name__ == "__main__":
    main(sys.argv[1:])
