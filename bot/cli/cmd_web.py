"""`python -m bot web`: serve the admin console with waitress (pure Python, also on Windows)."""
from __future__ import annotations

import gc

import click


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（对外服务请放在 HTTPS 反向代理之后）")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="处理请求的线程数")
def web(host, port, threads):
    """启动管理控制台（网页），在浏览器中打开打印出的地址。

    \b
    示例:
      python -m bot users add 张三 --role admin
      python -m bot web --port 8000
    """
    import waitress

    from bot.web import create_app

    app = create_app()
    gc.freeze()  # what start-up loaded lives as long as the server: no collection walks it again per request
    click.echo(f"督办提醒控制台: http://{host}:{port}/  （按 Ctrl+C 停止）")
    waitress.serve(app, host=host, port=port, threads=threads, ident="duban")
